using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ers.Analyzers;

/// <summary>
/// A comment that cites a path cites a file or folder of this repository (ERS0003): a pointer to a file that was
/// moved, or that lives only on someone's machine, sends the next reader nowhere.
/// </summary>
/// <remarks>
/// A citation is a relative path with at least one '/' (e.g. <c>src/Ers.Web/Apis/README.md</c> or
/// <c>../Sessions/SessionGrain.cs</c>), resolved against the repository root and against the citing file's folder.
/// URLs are not citations. The repository root comes from the MSBuild property <c>ErsRepositoryRoot</c>; without it
/// the rule is off.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CommentCitesRepositoryFileAnalyzer : DiagnosticAnalyzer
{
    private static readonly Regex Citation = new(
        @"(?<![\w./:\\-])((?:\.\.?/)*(?:[\w.-]+/)+[\w.-]*[\w])",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.CommentCitesRepositoryFile);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (!start.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.ErsRepositoryRoot", out var root) ||
                string.IsNullOrWhiteSpace(root))
            {
                return;
            }

            var repository = Path.GetFullPath(root);
            start.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.ProjectDir", out var project);
            start.RegisterSyntaxTreeAction(tree => Analyze(tree, repository, project));
        });
    }

    private static void Analyze(SyntaxTreeAnalysisContext context, string repository, string? project)
    {
        var folder = Path.GetDirectoryName(context.Tree.FilePath);
        if (string.IsNullOrEmpty(folder) || !IsInside(Path.GetFullPath(folder), repository))
        {
            return;
        }

        var root = context.Tree.GetRoot(context.CancellationToken);
        foreach (var trivia in root.DescendantTrivia(descendIntoTrivia: true))
        {
            if (!IsComment(trivia))
            {
                continue;
            }

            var text = trivia.ToFullString();
            foreach (Match match in Citation.Matches(text))
            {
                var cited = match.Groups[1].Value.TrimEnd('.');
                if (!LooksLikePath(cited) || Exists(cited, repository, folder!, project))
                {
                    continue;
                }

                var span = new Microsoft.CodeAnalysis.Text.TextSpan(trivia.FullSpan.Start + match.Index, cited.Length);
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.CommentCitesRepositoryFile, Location.Create(context.Tree, span), cited));
            }
        }
    }

    private static bool IsComment(SyntaxTrivia trivia) =>
        trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) ||
        trivia.IsKind(SyntaxKind.MultiLineCommentTrivia) ||
        trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) ||
        trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia);

    /// <summary>
    /// A path, not prose with a slash ("and/or", "logins/s", "A/B"): it starts at a known repository top-level folder,
    /// climbs with ../, or ends in a file name with an extension.
    /// </summary>
    private static bool LooksLikePath(string cited)
    {
        if (cited.StartsWith("../", StringComparison.Ordinal) || cited.StartsWith("./", StringComparison.Ordinal))
        {
            return true;
        }

        var first = cited.Substring(0, cited.IndexOf('/'));
        if (first is "src" or "tests" or "perf" or "docs" or "k8s" or "scripts" or "samples" or ".ci" or ".ers")
        {
            return true;
        }

        var last = cited.Substring(cited.LastIndexOf('/') + 1);
        var dot = last.LastIndexOf('.');
        return dot > 0 && dot < last.Length - 1 && Extensions.Contains(last.Substring(dot + 1));
    }

    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "cs", "md", "json", "sh", "yaml", "yml", "props", "targets", "csproj", "cshtml", "sql", "py", "txt", "sln",
    };

    private static bool Exists(string cited, string repository, string folder, string? project)
    {
        // .ers/ is made by the local run (scripts/start-local.sh), never committed: citing it is citing the product.
        if (cited.StartsWith(".ers/", StringComparison.Ordinal))
        {
            return true;
        }

        // Relative to the repository, to the citing file, or to its project (as "Pages/Shared/_Layout.cshtml" is).
        foreach (var baseFolder in new[] { repository, folder, project })
        {
            if (string.IsNullOrEmpty(baseFolder))
            {
                continue;
            }

            var full = Path.GetFullPath(Path.Combine(baseFolder!, cited));
            if (IsInside(full, repository) && (File.Exists(full) || Directory.Exists(full)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInside(string path, string repository) =>
        path.StartsWith(repository.TrimEnd('/') + "/", StringComparison.Ordinal) || path == repository.TrimEnd('/');
}
