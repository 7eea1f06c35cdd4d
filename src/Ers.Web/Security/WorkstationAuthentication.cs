namespace Ers.Web.Security;

/// <summary>
/// Configuration section <c>Ers:Workstations</c>: how agents' client certificates are trusted (mutual TLS).
/// </summary>
public sealed class WorkstationOptions
{
    public const string Section = "Ers:Workstations";

    /// <summary>PEM files of the workstation CAs; the only anchors for client certificates.</summary>
    public List<string> TrustedRoots { get; set; } = [];

    // CrlSources (and the CRL reading settings) of this section are read by the silo (src/Ers.Grains/Revocation/CrlOptions.cs).

    public StaleCrlPolicy StaleCrl { get; set; } = StaleCrlPolicy.FailClosed;

    /// <summary>
    /// Header a TLS-terminating proxy puts the client certificate in (URL-encoded PEM as nginx's
    /// <c>$ssl_client_escaped_cert</c>, or base64 DER). Read only from the ingress (<see cref="IngressOptions"/>); from
    /// anyone else it is refused with <c>workstation.forwarded-untrusted</c>.
    /// </summary>
    public string ForwardedCertificateHeader { get; set; } = "X-Client-Cert";

    /// <summary>
    /// No longer read: start-up refuses a value. A network range is no identity; the ingress is recognised by its
    /// client certificate (<see cref="IngressOptions"/>).
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}
