using System.Security.Cryptography.X509Certificates;

namespace Ers.Tools.Pki;

/// <summary>A revoked certificate as a CRL lists it. <see cref="SerialNumber"/> is upper-case hex.</summary>
public sealed record RevokedSerial(string SerialNumber, DateTimeOffset RevokedAt, X509RevocationReason? Reason = null);
