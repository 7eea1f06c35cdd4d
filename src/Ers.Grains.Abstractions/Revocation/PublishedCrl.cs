namespace Ers.Revocation;

/// <summary>
/// One verified CRL: the CA that signed it (SHA-256 of the CA certificate, hex), its validity and the serials it
/// revokes (upper-case hex without leading zero bytes). Past <see cref="UsableUntil"/> (nextUpdate plus the
/// configured stale window) with no fresher CRL, its CA's certificates are refused as of unknown status.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.PublishedCrl")]
public sealed record PublishedCrl(
    [property: Id(0)] string IssuerHash,
    [property: Id(1)] DateTimeOffset ThisUpdate,
    [property: Id(2)] DateTimeOffset NextUpdate,
    [property: Id(3)] DateTimeOffset UsableUntil,
    [property: Id(4)] IReadOnlyList<string> RevokedSerials);
