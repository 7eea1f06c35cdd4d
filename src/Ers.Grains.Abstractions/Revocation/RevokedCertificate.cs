namespace Ers.Revocation;

/// <summary>
/// A card certificate Ers itself revoked (a Registration Authority revoked the card that logged in with it): refused
/// by every web node as a CRL's entry would be, and published (<c>GET /api/admin/v1/revocations</c>) for the CA's
/// CRL or OCSP responder. <see cref="IssuerHash"/> is the SHA-256 of the issuing CA certificate's DER bytes
/// (upper-case hex) and <see cref="SerialNumber"/> upper-case hex without leading zero bytes, as in a CRL.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.RevokedCertificate")]
public sealed record RevokedCertificate(
    [property: Id(0)] string IssuerHash,
    [property: Id(1)] string SerialNumber,
    [property: Id(2)] string CardId,
    [property: Id(3)] DateTimeOffset RevokedAt,
    [property: Id(4)] string RevokedBy,
    [property: Id(5)] string RoleProfileId,
    [property: Id(6)] string OdsCode,
    [property: Id(7)] string Reason);
