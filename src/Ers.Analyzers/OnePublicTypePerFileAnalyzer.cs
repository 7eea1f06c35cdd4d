using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ers.Analyzers;

/// <summary>Reports every public top-level type after the first one in a file (ERS0001).</summary>
/// <remarks>
/// Nested types belong to their parent and are not counted; parts of one partial type count once.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OnePublicTypePerFileAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.OnePublicTypePerFile);

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
        var types = TopLevelTypes(root).Where(m => m.Modifiers.Any(SyntaxKind.PublicKeyword)).ToList();
        if (types.Select(Name).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            return;
        }

        // The file belongs to the type it is named after (else to its first); every other public type moves out.
        var fileName = Path.GetFileNameWithoutExtension(context.Tree.FilePath);
        var owner = types.Select(Name).FirstOrDefault(n => n == fileName) ?? Name(types[0]);
        foreach (var member in types.Where(m => Name(m) != owner))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.OnePublicTypePerFile, Location(member), Name(member)));
        }
    }

    private static IEnumerable<MemberDeclarationSyntax> TopLevelTypes(SyntaxNode root)
    {
        foreach (var member in root.ChildNodes().OfType<MemberDeclarationSyntax>())
        {
            if (member is BaseNamespaceDeclarationSyntax ns)
            {
                foreach (var inner in TopLevelTypes(ns))
                {
                    yield return inner;
                }
            }
            else if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
            {
                yield return member;
            }
        }
    }

    private static string Name(MemberDeclarationSyntax member) => member switch
    {
        BaseTypeDeclarationSyntax type => type.Identifier.ValueText,
        DelegateDeclarationSyntax d => d.Identifier.ValueText,
        _ => string.Empty,
    };

    private static Location Location(MemberDeclarationSyntax member) => member switch
    {
        BaseTypeDeclarationSyntax type => type.Identifier.GetLocation(),
        DelegateDeclarationSyntax d => d.Identifier.GetLocation(),
        _ => member.GetLocation(),
    };
}
