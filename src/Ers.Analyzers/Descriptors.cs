using Microsoft.CodeAnalysis;

namespace Ers.Analyzers;

/// <summary>The Ers house-style diagnostics; ids are stable, never reused.</summary>
public static class Descriptors
{
    private const string Category = "Ers.Style";

    /// <summary>ERS0001: a file declares one public top-level type, named like the file.</summary>
    public static readonly DiagnosticDescriptor OnePublicTypePerFile = new(
        "ERS0001",
        "One public type per file",
        "'{0}' is another public type in a file that belongs to a type of another name: move it to a file of its own named {0}.cs",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>ERS0002: options come from configuration through AddOptions&lt;T&gt;().Bind(...).ValidateOnStart().</summary>
    public static readonly DiagnosticDescriptor OptionsValidatedOnStart = new(
        "ERS0002",
        "Options are bound with AddOptions<T>().Bind(...).ValidateOnStart()",
        "{0}",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>ERS0003: a path that a comment cites names a file or folder of this repository.</summary>
    public static readonly DiagnosticDescriptor CommentCitesRepositoryFile = new(
        "ERS0003",
        "Comments cite only files in this repository",
        "The comment cites '{0}', which is not a file or folder of this repository",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>ERS0004: using directives are sorted, System first.</summary>
    public static readonly DiagnosticDescriptor UsingsSorted = new(
        "ERS0004",
        "Using directives are sorted, System first",
        "'using {0}' is out of order: System namespaces first, then the others in alphabetical order",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);
}
