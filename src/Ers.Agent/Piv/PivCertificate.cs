using System.Security.Cryptography.X509Certificates;

namespace Ers.Agent.Piv;

/// <summary>The PIV Authentication certificate (slot 9A) as read from the card.</summary>
public sealed record PivCertificate(byte[] Der, X509Certificate2 Certificate, PivKeyAlgorithm Algorithm);
