namespace Ers.Tools.Pki;

/// <summary>One certificate this PKI issued. <see cref="Issuer"/> is the CA's file name.</summary>
public sealed record IndexEntry(string SerialNumber, string Issuer, string Kind, string Subject, DateTimeOffset? RevokedAt);
