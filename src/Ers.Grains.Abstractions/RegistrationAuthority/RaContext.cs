namespace Ers.RegistrationAuthority;

/// <summary>
/// Who is acting: the RA user and the RA role profile chosen for their session, the organisations it covers and the
/// permissions its activities grant. Computed by the silo from the RA's live session, never sent by a caller.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.RaContext")]
public sealed record RaContext(
    [property: Id(0)] string UserId,
    [property: Id(1)] string UserName,
    [property: Id(2)] string RoleProfileId,
    [property: Id(3)] string OdsCode,
    [property: Id(4)] string OrganisationName,
    [property: Id(5)] IReadOnlyList<RaPermission> Permissions,
    [property: Id(6)] IReadOnlyList<string> CoveredOdsCodes)
{
    public bool Has(RaPermission permission) => Permissions.Contains(permission);

    public bool Covers(string? odsCode) => odsCode is not null && CoveredOdsCodes.Contains(odsCode, StringComparer.Ordinal);
}
