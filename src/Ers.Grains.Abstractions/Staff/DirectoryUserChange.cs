namespace Ers.Staff;

/// <summary>
/// One user whose directory entry an import changes: the role profiles it adds, removes and changes (same id, other
/// fields), the name before when it changes, and the entry as it will be stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.DirectoryUserChange")]
public sealed record DirectoryUserChange(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Name,
    [property: Id(2)] DirectoryUserChangeKind Kind,
    [property: Id(3)] string? PreviousName,
    [property: Id(4)] IReadOnlyList<RoleProfile> ProfilesAdded,
    [property: Id(5)] IReadOnlyList<RoleProfile> ProfilesRemoved,
    [property: Id(6)] IReadOnlyList<RoleProfile> ProfilesChanged,
    [property: Id(7)] StaffUser After)
{
    /// <summary>The role profiles whose copies in live sessions go stale: removed or changed.</summary>
    public IEnumerable<string> StaleRoleProfileIds => ProfilesRemoved.Concat(ProfilesChanged).Select(p => p.RoleProfileId);
}
