namespace Ers.Analyzers.Tests;

public sealed class OnePublicTypePerFileTests
{
    [Fact]
    public async Task A_second_public_type_in_a_file_is_reported_by_name()
    {
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(new OnePublicTypePerFileAnalyzer(), """
            namespace Sample;
            public sealed class First;
            public sealed record Second(int Value);
            public interface IThird;
            """);

        Assert.Equal(["ERS0001", "ERS0001"], diagnostics.Select(d => d.Id));
        Assert.Contains("'Second'", diagnostics[0].GetMessage());
        Assert.Contains("'IThird'", diagnostics[1].GetMessage());
    }

    [Fact]
    public async Task The_type_the_file_is_named_after_stays_and_the_others_are_reported()
    {
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(new OnePublicTypePerFileAnalyzer(), """
            namespace Sample;
            public sealed class MissingSettingException;
            public static class RequiredSettings;
            """, "/repo/src/RequiredSettings.cs");

        Assert.Contains("'MissingSettingException'", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task Nested_internal_and_partial_parts_of_one_type_are_not_reported()
    {
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(new OnePublicTypePerFileAnalyzer(), """
            namespace Sample
            {
                public partial class Only
                {
                    public sealed class Nested;
                }

                internal sealed class Helper;

                public partial class Only;

                file sealed class Local;
            }
            """);

        Assert.Empty(diagnostics);
    }
}
