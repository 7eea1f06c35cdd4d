using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Features;

namespace Ers.Web.Security;

/// <summary>
/// Who may speak for a client it proxies (issue 13, defect 10): only a connection to the <c>Ers:Ingress</c> port
/// whose client certificate, checked in the TLS handshake, is the ingress's own. Not a network range: anything that
/// reaches the pod's network (another pod, Prometheus) holds no such certificate.
/// </summary>
public sealed class IngressTrust(X509Certificate2Collection authorities, IReadOnlyCollection<string> pins)
{
    /// <summary>An ingress that trusts nobody (no <c>Ers:Ingress</c> port).</summary>
    public static IngressTrust None { get; } = new([], []);

    /// <summary>Whether <paramref name="context"/> arrived on a connection whose handshake presented the ingress's certificate.</summary>
    public static bool IsFromIngress(HttpContext context) => context.Features.Get<IngressConnection>() is not null;

    /// <summary>The TLS handshake's check on the ingress port: the ingress CA alone, client authentication, and the pins.</summary>
    public bool IsIngressCertificate(X509Certificate2? certificate)
    {
        if (certificate is null || authorities.Count == 0)
        {
            return false;
        }

        if (pins.Count > 0 && !pins.Contains(Convert.ToHexString(SHA256.HashData(certificate.RawData)), StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // The ingress's certificate is internal and short-lived; it is withdrawn by replacing the CA's Secret.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(CardAuthenticationOptions.ClientAuthenticationOid));
        return chain.Build(certificate);
    }

    /// <summary>Set on a connection of the ingress port once its handshake succeeded.</summary>
    internal sealed class IngressConnection
    {
        public static readonly IngressConnection Instance = new();
    }

    /// <summary>What a request from the ingress sees in place of the ingress's own certificate: none.</summary>
    internal sealed class NoClientCertificate : ITlsConnectionFeature
    {
        public static readonly NoClientCertificate Instance = new();

        public X509Certificate2? ClientCertificate
        {
            get => null;
            set { }
        }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
