using System.Security.Cryptography.X509Certificates;
using Ers.Grains.Revocation;

namespace Ers.Web.Security;

public static class CertificateIds
{
    /// <summary>SHA-256 of a certificate's DER bytes, upper-case hex (as the silo names a CRL's CA).</summary>
    public static string HashOf(X509Certificate2 certificate) => CertificateHashes.HashOf(certificate);

    /// <summary>A serial as upper-case hex without leading zero bytes, so CRL and certificate forms compare equal.</summary>
    public static string NormaliseSerial(ReadOnlySpan<byte> bigEndian) => CertificateHashes.NormaliseSerial(bigEndian);
}
