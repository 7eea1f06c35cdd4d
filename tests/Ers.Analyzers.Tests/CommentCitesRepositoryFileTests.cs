namespace Ers.Analyzers.Tests;

public sealed class CommentCitesRepositoryFileTests : IDisposable
{
    private readonly string _repository = Directory.CreateTempSubdirectory("ers-analyzers-").FullName;

    public CommentCitesRepositoryFileTests()
    {
        Directory.CreateDirectory(Path.Combine(_repository, "src", "App", "Pages"));
        File.WriteAllText(Path.Combine(_repository, "src", "App", "README.md"), "x");
        File.WriteAllText(Path.Combine(_repository, "src", "App", "Pages", "Index.cshtml"), "x");
        File.WriteAllText(Path.Combine(_repository, "README.md"), "x");
    }

    public void Dispose() => Directory.Delete(_repository, recursive: true);

    [Fact]
    public async Task Paths_that_exist_in_the_repository_pass_and_others_are_reported()
    {
        var diagnostics = await RunAsync("""
            namespace App;
            // See src/App/README.md and ../../README.md, or Pages/Index.cshtml from the project.
            // Not here: src/App/Gone.cs, ../shared/docs/style.md and docs/missing.
            /// <summary>Also checked in docs: tests/App.Tests/Missing.cs.</summary>
            public sealed class Sample;
            """);

        Assert.Equal(["src/App/Gone.cs", "../shared/docs/style.md", "docs/missing", "tests/App.Tests/Missing.cs"],
            diagnostics.Select(d => d.GetMessage().Split('\'')[1]));
    }

    [Fact]
    public async Task Urls_prose_with_slashes_and_the_local_run_folder_are_not_citations()
    {
        var diagnostics = await RunAsync("""
            namespace App;
            // https://github.com/dotnet/orleans/blob/main/src/Orleans.Core/Missing.cs is a URL;
            // and/or, 311 logins/s and A/B are prose; .ers/pki/token-signing.key is made by the local run.
            public sealed class Sample;
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task Without_a_repository_root_the_rule_is_off()
    {
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(
            new CommentCitesRepositoryFileAnalyzer(),
            [(Path.Combine(_repository, "src", "App", "Sample.cs"), "// src/App/Gone.cs\nnamespace App;")]);

        Assert.Empty(diagnostics);
    }

    private Task<IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic>> RunAsync(string text) =>
        AnalyzerRun.DiagnosticsAsync(
            new CommentCitesRepositoryFileAnalyzer(),
            [(Path.Combine(_repository, "src", "App", "Sample.cs"), text)],
            new Dictionary<string, string>
            {
                ["ErsRepositoryRoot"] = _repository + "/",
                ["ProjectDir"] = Path.Combine(_repository, "src", "App") + "/",
            });
}
