namespace Ers.Revocation;

/// <summary>
/// What every web node enforces: the verified CRLs held by the cluster, per kind of CA, and the card certificates Ers
/// itself revoked (<see cref="RevokedByErs"/>, refused like a CRL's entries). <see cref="Version"/> grows with every
/// change, so a node that holds it has nothing to fetch.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.RevocationSnapshot")]
public sealed record RevocationSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<PublishedCrl> CardCrls,
    [property: Id(2)] IReadOnlyList<PublishedCrl> WorkstationCrls,
    [property: Id(3)] IReadOnlyList<CrlSourceStatus> Sources,
    [property: Id(4)] DateTimeOffset CheckedAt,
    [property: Id(5)] IReadOnlyList<RevokedCertificate>? RevokedByErs = null);
