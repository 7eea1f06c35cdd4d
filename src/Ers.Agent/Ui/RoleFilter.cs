using Ers.Api;

namespace Ers.Agent.Ui;

/// <summary>The terminal role list's filter: <see cref="RoleSearch"/>, the rule the browser's role page uses too.</summary>
public static class RoleFilter
{
    public static IReadOnlyList<RoleProfileDto> Apply(IReadOnlyList<RoleProfileDto> roles, ReadOnlySpan<char> filter) =>
        RoleSearch.Filter(roles, filter.ToString(), r => (r.JobRoleName, r.OrganisationName, r.OdsCode));
}
