using Ers.Api;

namespace Ers.Agent.Ui;

/// <summary>
/// The role list's filter: a role stays when every word typed occurs (ignoring case) in its role name, organisation
/// or ODS code. Typing "medical kent" keeps the medical roles at Kent organisations only.
/// </summary>
public static class RoleFilter
{
    public static IReadOnlyList<RoleProfileDto> Apply(IReadOnlyList<RoleProfileDto> roles, ReadOnlySpan<char> filter)
    {
        var words = filter.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. roles.Where(r => words.All(w => Matches(r, w)))];
    }

    private static bool Matches(RoleProfileDto role, string word) =>
        role.JobRoleName.Contains(word, StringComparison.OrdinalIgnoreCase)
        || role.OrganisationName.Contains(word, StringComparison.OrdinalIgnoreCase)
        || role.OdsCode.Contains(word, StringComparison.OrdinalIgnoreCase);
}
