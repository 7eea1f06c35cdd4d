namespace Ers.Web.Apis;

/// <summary>Configuration section <c>Ers:AgentApi</c>.</summary>
public sealed class AgentApiOptions
{
    public const string Section = "Ers:AgentApi";

    /// <summary>Request bodies larger than this are refused with 413 <c>request.too-large</c>.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The origin the agents reach this API at (<c>https://host[:port]</c>, e.g. <c>https://ers.example.org</c>): every
    /// card's login statement names it, and a signature over a statement naming another origin is refused. Empty: the
    /// origin of <see cref="HttpsUrl"/> (which must then name one host), else that of <see cref="BrowserBaseUrl"/>.
    /// See <see cref="AgentApiOrigin"/>.
    /// </summary>
    public string? PublicOrigin { get; set; }

    /// <summary>
    /// The browsers' base URL for the one-time login link (e.g. <c>https://127.0.0.1:5080</c>). Empty: the agent
    /// request's own scheme and host.
    /// </summary>
    public string? BrowserBaseUrl { get; set; }

    /// <summary>
    /// The agents' own HTTPS listener, e.g. <c>https://127.0.0.1:5443</c>: TLS by Kestrel, client certificates
    /// requested (not required) so a workstation without one gets a 401 with a code instead of a failed handshake,
    /// and browsers, which use the <c>Urls</c> endpoints, are never asked for a certificate. Empty (behind a
    /// TLS-terminating proxy): no listener of its own; the proxy forwards the client certificate in a header.
    /// </summary>
    public string? HttpsUrl { get; set; }

    /// <summary>PEM certificate (or PFX) of <see cref="HttpsUrl"/>, and of any <c>https</c> address in <c>Urls</c>.</summary>
    public string? ServerCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ServerCertificatePath"/> (not needed for a PFX).</summary>
    public string? ServerCertificateKeyPath { get; set; }
}
