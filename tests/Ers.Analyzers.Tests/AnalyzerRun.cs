using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ers.Analyzers.Tests;

/// <summary>Compiles C# sources in memory and runs one analyzer over them, as the build does.</summary>
public static class AnalyzerRun
{
    /// <summary>The analyzer's diagnostics for <paramref name="sources"/> (path, text), ordered by position.</summary>
    public static async Task<IReadOnlyList<Diagnostic>> DiagnosticsAsync(
        DiagnosticAnalyzer analyzer,
        IEnumerable<(string Path, string Text)> sources,
        IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, path: s.Path)).ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "Sample",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var options = new AnalyzerOptions([], new BuildProperties(buildProperties ?? new Dictionary<string, string>()));
        var diagnostics = await compilation
            .WithAnalyzers([analyzer], options)
            .GetAnalyzerDiagnosticsAsync();
        return diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath).ThenBy(d => d.Location.SourceSpan.Start).ToList();
    }

    /// <summary>The analyzer's diagnostics for one file.</summary>
    public static Task<IReadOnlyList<Diagnostic>> DiagnosticsAsync(DiagnosticAnalyzer analyzer, string text, string path = "/repo/src/Sample.cs") =>
        DiagnosticsAsync(analyzer, [(path, text)]);

    private sealed class BuildProperties(IReadOnlyDictionary<string, string> properties) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(
            properties.ToImmutableDictionary(p => "build_property." + p.Key, p => p.Value));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;
    }

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static Options Empty { get; } = new(ImmutableDictionary<string, string>.Empty);

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
