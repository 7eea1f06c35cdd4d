namespace Ers.Tools.Pki;

public static class WorkstationIds
{
    /// <summary>Workstation ids are short and plain so they are safe as grain keys, file names and CNs.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
