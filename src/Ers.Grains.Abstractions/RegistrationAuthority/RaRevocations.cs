using Ers.Revocation;

namespace Ers.RegistrationAuthority;

/// <summary>
/// The card certificates Ers revoked for one organisation (<see cref="OdsCode"/>, the RA role's), oldest first: what
/// the organisation's RA hands the CA for its CRL or OCSP responder.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.RaRevocations")]
public sealed record RaRevocations(
    [property: Id(0)] string OdsCode,
    [property: Id(1)] IReadOnlyList<RevokedCertificate> Revocations);
