namespace Ers.Revocation;

/// <summary>How the last read of one CRL source went (what <c>POST /crl/refresh</c> on a silo reports).</summary>
[GenerateSerializer, Immutable, Alias("ers.CrlSourceStatus")]
public sealed record CrlSourceStatus(
    [property: Id(0)] string Source,
    [property: Id(1)] DateTimeOffset? LastLoadedAt,
    [property: Id(2)] DateTimeOffset? ThisUpdate,
    [property: Id(3)] DateTimeOffset? NextUpdate,
    // Null after a good read (changed or not); else why the last read was refused (crl.too-large, crl.timeout, ...).
    [property: Id(4)] string? LastError,
    [property: Id(5)] int ConsecutiveFailures,
    [property: Id(6)] DateTimeOffset NextAttemptAt);
