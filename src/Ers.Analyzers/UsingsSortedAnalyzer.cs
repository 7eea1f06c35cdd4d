using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ers.Analyzers;

/// <summary>Reports the first plain using directive of a block that is out of order (ERS0004).</summary>
/// <remarks>
/// The order is the one <c>dotnet_sort_system_directives_first</c> gives in .editorconfig: <c>System</c> and its
/// children first, then every other namespace, each group ordinal and case-insensitive. Aliases and
/// <c>using static</c> may follow in any order.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UsingsSortedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.UsingsSorted);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxTreeAction(Analyze);
    }

    private static void Analyze(SyntaxTreeAnalysisContext context)
    {
        var root = context.Tree.GetRoot(context.CancellationToken);
        foreach (var block in Blocks(root))
        {
            var plain = block.Where(u => u.Alias is null && u.StaticKeyword.RawKind == 0 && u.Name is not null).ToList();
            for (var i = 1; i < plain.Count; i++)
            {
                if (Compare(plain[i - 1].Name!.ToString(), plain[i].Name!.ToString()) > 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.UsingsSorted, plain[i].GetLocation(), plain[i].Name!.ToString()));
                    break;
                }
            }
        }
    }

    private static IEnumerable<IReadOnlyList<UsingDirectiveSyntax>> Blocks(SyntaxNode root)
    {
        if (root is CompilationUnitSyntax unit)
        {
            // Global usings are a block of their own (they usually live in one file).
            yield return unit.Usings.Where(u => u.GlobalKeyword.RawKind != 0).ToList();
            yield return unit.Usings.Where(u => u.GlobalKeyword.RawKind == 0).ToList();
        }

        foreach (var ns in root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>())
        {
            yield return ns.Usings;
        }
    }

    /// <summary>Compares two namespace names in the order ERS0004 asks for.</summary>
    public static int Compare(string left, string right)
    {
        var leftSystem = IsSystem(left);
        var rightSystem = IsSystem(right);
        if (leftSystem != rightSystem)
        {
            return leftSystem ? -1 : 1;
        }

        return StringComparer.OrdinalIgnoreCase.Compare(left, right);
    }

    private static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
}
