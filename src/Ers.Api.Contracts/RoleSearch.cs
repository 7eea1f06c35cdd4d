namespace Ers.Api;

/// <summary>
/// The role list's filter, the same in the agent and on the role page: a role stays when every word typed occurs
/// (ignoring case) in its role name, organisation or ODS code. "medical kent" keeps the medical roles at Kent
/// organisations only. A list of more than <see cref="ListLimit"/> roles is searched rather than scrolled (CIS2).
/// </summary>
public static class RoleSearch
{
    /// <summary>Up to this many roles are one list; more get a search box above them.</summary>
    public const int ListLimit = 5;

    public static IReadOnlyList<T> Filter<T>(IReadOnlyList<T> roles, string? query, Func<T, (string Role, string Organisation, string OdsCode)> fields)
    {
        var words = (query ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.Length == 0 ? roles : [.. roles.Where(r => Matches(fields(r), words))];
    }

    private static bool Matches((string Role, string Organisation, string OdsCode) role, string[] words) =>
        words.All(w => role.Role.Contains(w, StringComparison.OrdinalIgnoreCase)
            || role.Organisation.Contains(w, StringComparison.OrdinalIgnoreCase)
            || role.OdsCode.Contains(w, StringComparison.OrdinalIgnoreCase));
}
