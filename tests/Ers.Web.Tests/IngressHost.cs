using System.Security.Cryptography.X509Certificates;
using Ers.Testing;
using Ers.Testing.Hosts;
using Ers.Tools.Pki;

namespace Ers.Web.Tests;

/// <summary>
/// An <see cref="AgentHost"/> with an ingress port (<c>Ers:Ingress</c>) beside the agents' own: the development PKI's
/// server certificate on it, its ingress CA the only anchor, and the ingress's client certificate to present.
/// </summary>
public sealed class IngressHost : AgentHost
{
    /// <summary>The client certificate the ingress presents (from the host's ingress CA).</summary>
    public X509Certificate2 IngressCertificate { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings()
    {
        IngressCertificate = X509CertificateLoader.LoadPkcs12(Pki.IssueIngressClient().Export(X509ContentType.Pkcs12), null);
        return
        [
            new("Ers:Ingress:HttpsUrl", $"https://127.0.0.1:{FreePort.Next()}"),
            new("Ers:Ingress:ServerCertificatePath", DevPki.CertificatePath(Directory, DevPki.ServerName)),
            new("Ers:Ingress:ServerCertificateKeyPath", DevPki.KeyPath(Directory, DevPki.ServerName)),
            new("Ers:Ingress:ClientCaPath", DevPki.CertificatePath(Directory, DevPki.IngressCaName)),
        ];
    }
}
