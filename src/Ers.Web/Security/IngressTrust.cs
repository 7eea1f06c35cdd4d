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

        // Issued by the ingress CA itself, or no chain is built for it. Offline and without revocation: the ingress's
        // certificate is internal and short-lived; it is withdrawn by replacing the CA's Secret.
        if (!OfflineChain.IsIssuedByOneOf(certificate, authorities))
        {
            return false;
        }

        using var chain = new X509Chain { ChainPolicy = OfflineChain.Policy(authorities) };
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(CardAuthenticationOptions.ClientAuthenticationOid));
        return chain.Build(certificate);
    }

    /// <summary>The policy of the chain the TLS stack builds for the ingress port's client certificate: offline, the ingress CA alone.</summary>
    public X509ChainPolicy HandshakePolicy() => OfflineChain.Policy(authorities);

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
