namespace Ers.Staff;

/// <summary>A person in the staff directory, identified by the 12-digit user UUID their card certificate carries.</summary>
[GenerateSerializer, Immutable, Alias("ers.StaffUser")]
public sealed record StaffUser(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<RoleProfile> RoleProfiles);
