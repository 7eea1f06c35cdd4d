using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ers.Analyzers;

/// <summary>
/// Options read from configuration are bound with <c>AddOptions&lt;T&gt;().Bind(...)</c> and validated at start
/// (ERS0002): a bad setting then stops the host with a message instead of failing the first request that reads it.
/// </summary>
/// <remarks>
/// Reports <c>services.Configure&lt;T&gt;(configuration)</c> (binding with no validation at all) and an
/// <c>AddOptions&lt;T&gt;()</c> chain that binds configuration but never calls <c>ValidateOnStart</c>.
/// Configuring options in code (<c>Configure&lt;T&gt;(o =&gt; ...)</c>) is not binding and is not reported.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OptionsValidatedOnStartAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.OptionsValidatedOnStart);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(Analyze, Microsoft.CodeAnalysis.OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var invocation = (Microsoft.CodeAnalysis.Operations.IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (invocation.Syntax is not InvocationExpressionSyntax syntax)
        {
            return;
        }

        if (method.Name == "Configure" && method.IsGenericMethod &&
            method.ContainingType?.Name == "OptionsConfigurationServiceCollectionExtensions")
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.OptionsValidatedOnStart,
                syntax.GetLocation(),
                $"Configure<{method.TypeArguments[0].Name}>(configuration) binds without validation: use AddOptions<{method.TypeArguments[0].Name}>().Bind(...).ValidateOnStart()"));
            return;
        }

        if (method.Name != "AddOptions" || !method.IsGenericMethod ||
            method.ContainingType?.Name != "OptionsServiceCollectionExtensions")
        {
            return;
        }

        var calls = ChainedCalls(syntax);
        var binds = calls.Contains("Bind") || calls.Contains("BindConfiguration");
        if (binds && !calls.Contains("ValidateOnStart"))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.OptionsValidatedOnStart,
                syntax.GetLocation(),
                $"AddOptions<{method.TypeArguments[0].Name}>() binds configuration but never calls ValidateOnStart()"));
        }
    }

    /// <summary>The names of the methods called on the result of <paramref name="start"/>, in a fluent chain.</summary>
    private static HashSet<string> ChainedCalls(InvocationExpressionSyntax start)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        SyntaxNode current = start;
        while (current.Parent is MemberAccessExpressionSyntax access && access.Expression == current &&
               access.Parent is InvocationExpressionSyntax next)
        {
            names.Add(access.Name.Identifier.ValueText);
            current = next;
        }

        return names;
    }
}
