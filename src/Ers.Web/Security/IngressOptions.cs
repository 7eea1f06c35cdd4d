namespace Ers.Web.Security;

/// <summary>
/// Configuration section <c>Ers:Ingress</c>: the port a TLS-terminating proxy (ingress-nginx in k8s/) reaches this
/// node on. It is HTTPS and requires a client certificate that is the ingress's own (issued by
/// <see cref="ClientCaPath"/>, and one of <see cref="ClientCertificateSha256"/> when that is set); only a request on
/// such a connection may name a workstation's certificate in <c>Ers:Workstations:ForwardedCertificateHeader</c>, or
/// its client's address in <c>X-Forwarded-For</c>. Anywhere else the certificate header is refused
/// (<c>403 workstation.forwarded-untrusted</c>, counted). Empty <see cref="HttpsUrl"/>: no such port, and no request is
/// ever believed to come from a proxy.
/// </summary>
public sealed class IngressOptions
{
    public const string Section = "Ers:Ingress";

    /// <summary>The ingress-facing listener, e.g. <c>https://+:8443</c>.</summary>
    public string? HttpsUrl { get; set; }

    /// <summary>PEM certificate of <see cref="HttpsUrl"/>, the name the ingress verifies (<c>proxy-ssl-name</c>).</summary>
    public string? ServerCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ServerCertificatePath"/>.</summary>
    public string? ServerCertificateKeyPath { get; set; }

    /// <summary>PEM of the CA that issues the ingress's client certificate, and nothing else: the only anchor of that port.</summary>
    public string? ClientCaPath { get; set; }

    /// <summary>
    /// Optional pins: SHA-256 (hex) of the DER of each client certificate accepted. Empty: any certificate of
    /// <see cref="ClientCaPath"/> with the client authentication EKU.
    /// </summary>
    public List<string> ClientCertificateSha256 { get; set; } = [];
}
