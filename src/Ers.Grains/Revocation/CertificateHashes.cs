using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ers.Grains.Revocation;

/// <summary>How a CRL and a certificate name a CA and a serial, the same way on the silo and on every web node.</summary>
public static class CertificateHashes
{
    /// <summary>SHA-256 of a certificate's DER bytes, upper-case hex.</summary>
    public static string HashOf(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    /// <summary>A serial as upper-case hex without leading zero bytes, so CRL and certificate forms compare equal.</summary>
    public static string NormaliseSerial(ReadOnlySpan<byte> bigEndian)
    {
        var start = 0;
        while (start < bigEndian.Length - 1 && bigEndian[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(bigEndian[start..]);
    }
}
