namespace Ers.Analyzers.Tests;

public sealed class UsingsSortedTests
{
    [Fact]
    public async Task System_namespaces_come_first_then_the_others_alphabetically()
    {
        var sorted = await AnalyzerRun.DiagnosticsAsync(new UsingsSortedAnalyzer(), """
            using System;
            using System.Text;
            using Ers.Grains;
            using Microsoft.Extensions.Options;
            using static System.Math;
            using Alias = System.String;
            namespace Sample;
            """);
        var unsorted = await AnalyzerRun.DiagnosticsAsync(new UsingsSortedAnalyzer(), """
            using Microsoft.Extensions.Options;
            using Ers.Grains;
            namespace Sample;
            """);
        var systemLast = await AnalyzerRun.DiagnosticsAsync(new UsingsSortedAnalyzer(), """
            using Ers.Grains;
            using System.Text;
            namespace Sample;
            """);

        Assert.Empty(sorted);
        Assert.Equal("ERS0004", Assert.Single(unsorted).Id);
        Assert.Contains("Ers.Grains", unsorted[0].GetMessage());
        Assert.Contains("System.Text", Assert.Single(systemLast).GetMessage());
    }
}
