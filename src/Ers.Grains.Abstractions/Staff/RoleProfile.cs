namespace Ers.Staff;

/// <summary>
/// One role profile (NHS national RBAC): a job role at an organisation with the activity codes it grants.
/// <see cref="RoleProfileId"/> is the URID, 12 digits.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.RoleProfile")]
public sealed record RoleProfile(
    [property: Id(0)] string RoleProfileId,
    [property: Id(1)] string OdsCode,
    [property: Id(2)] string OrganisationName,
    [property: Id(3)] string JobRoleCode,
    [property: Id(4)] string JobRoleName,
    [property: Id(5)] IReadOnlyList<string> Activities)
{
    /// <summary>Two profiles are equal when every field is, activities compared in order.</summary>
    public bool Equals(RoleProfile? other) =>
        other is not null &&
        RoleProfileId == other.RoleProfileId && OdsCode == other.OdsCode && OrganisationName == other.OrganisationName &&
        JobRoleCode == other.JobRoleCode && JobRoleName == other.JobRoleName && Activities.SequenceEqual(other.Activities);

    public override int GetHashCode() => HashCode.Combine(RoleProfileId, OdsCode, JobRoleCode);
}
