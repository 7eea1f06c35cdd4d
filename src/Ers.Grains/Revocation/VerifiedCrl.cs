namespace Ers.Grains.Revocation;

/// <summary>A CRL whose signature verified with the key of the CA <see cref="IssuerHash"/> names.</summary>
public sealed record VerifiedCrl(string IssuerHash, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, IReadOnlyList<string> RevokedSerials);
