using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ers.Agent.Tests;

/// <summary>
/// A throw-away PKI made at run time: one CA, a server certificate for 127.0.0.1 and a workstation certificate. Given a
/// server issuer URL, the server certificate is issued by an intermediate of the CA that nobody sends,
/// and names that URL as where its issuer is found (Authority Information Access caIssuers), as a hostile server would.
/// </summary>
internal sealed class TestPki
{
    public TestPki(string name = "Ers Test CA", string? serverEku = "1.3.6.1.5.5.7.3.1", string? serverIssuerUrl = null)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Ca = Reload(caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1)));
        Workstation = Issue(Ca, "CN=workstation-01", "1.3.6.1.5.5.7.3.2", san: false);
        if (serverIssuerUrl is null)
        {
            Server = Issue(Ca, "CN=127.0.0.1", serverEku, san: true);
            return;
        }

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest($"CN={name} Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var intermediate = intermediateRequest.Create(Ca, now.AddMinutes(-5), now.AddYears(1), RandomNumberGenerator.GetBytes(12));
        using var withKey = intermediate.CopyWithPrivateKey(intermediateKey);
        Server = Issue(withKey, "CN=127.0.0.1", serverEku, san: true, issuerUrl: serverIssuerUrl);
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Workstation { get; }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, string? eku, bool san, string? issuerUrl = null)
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
        if (issuerUrl is not null)
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [issuerUrl]));
        }
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(issuer, now.AddMinutes(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(12));
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
