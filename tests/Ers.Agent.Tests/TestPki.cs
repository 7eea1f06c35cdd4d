using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ers.Agent.Tests;

/// <summary>A throw-away PKI made at run time: one CA, a server certificate for 127.0.0.1 and a workstation certificate.</summary>
internal sealed class TestPki
{
    public TestPki(string name = "Ers Test CA", string? serverEku = "1.3.6.1.5.5.7.3.1")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Ca = Reload(caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1)));
        Server = Issue("CN=127.0.0.1", serverEku, san: true);
        Workstation = Issue("CN=workstation-01", "1.3.6.1.5.5.7.3.2", san: false);
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Workstation { get; }

    private X509Certificate2 Issue(string subject, string? eku, bool san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (eku is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        }
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (san)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Ca, now.AddMinutes(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(12));
        return Reload(issued.CopyWithPrivateKey(key));
    }

    private static X509Certificate2 Reload(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        }
    }
}
