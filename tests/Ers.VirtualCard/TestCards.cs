using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ers.VirtualCard;

/// <summary>Throw-away card certificates made at run time (no key material is ever committed).</summary>
public static class TestCards
{
    public static X509Certificate2 CreateSelfSigned(string subject, bool ecc, DateTimeOffset? now = null)
    {
        var start = (now ?? DateTimeOffset.UtcNow).AddMinutes(-5);
        CertificateRequest request;
        if (ecc)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            return Finish(request, start);
        }
        using var rsa = RSA.Create(2048);
        request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Finish(request, start);
    }

    private static X509Certificate2 Finish(CertificateRequest request, DateTimeOffset start)
    {
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        using var cert = request.CreateSelfSigned(start, start.AddYears(1));
        // Re-import so the private key is exportable (the RSA path needs the raw parameters for non-SHA-256 blocks).
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
