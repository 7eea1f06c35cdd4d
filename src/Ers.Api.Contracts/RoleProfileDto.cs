namespace Ers.Api;

/// <summary>A role profile as the agent lists it.</summary>
public sealed record RoleProfileDto(
    string RoleProfileId,
    string OdsCode,
    string OrganisationName,
    string JobRoleCode,
    string JobRoleName);
