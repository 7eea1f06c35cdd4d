namespace Ers.Web.Security;

/// <summary>
/// Configuration section <c>Ers:CardAuthentication</c>: how smartcard certificates are checked and how the
/// challenge-response proof of the card's key works.
/// </summary>
public sealed class CardAuthenticationOptions
{
    public const string Section = "Ers:CardAuthentication";

    /// <summary>PEM files of the smartcard root CAs. Only these anchor a chain; the system store is never used.</summary>
    public List<string> TrustedRoots { get; set; } = [];

    /// <summary>PEM files of issuing (intermediate) CAs, used to build chains and to verify their CRLs.</summary>
    public List<string> IntermediateCertificates { get; set; } = [];

    // CrlSources, CrlRefreshInterval, CrlMaxStaleness, CrlMaxBytes, CrlDownloadTimeout and CrlRetryMaxDelay of this
    // section are read by the silo, which owns revocation (src/Ers.Grains/Revocation/CrlOptions.cs).

    /// <summary>How often this node asks the cluster whether the CRLs changed (a version compare; the CRLs come only when they did).</summary>
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public StaleCrlPolicy StaleCrl { get; set; } = StaleCrlPolicy.FailClosed;

    /// <summary>
    /// The subject attribute carrying the 12-digit user UUID: <c>SERIALNUMBER</c> (default), <c>CN</c>, <c>UID</c>
    /// or a dotted OID.
    /// </summary>
    public string UserIdAttribute { get; set; } = "SERIALNUMBER";

    /// <summary>A certificate expiring within this window still logs in, with a <c>certificate.expires-soon</c> warning.</summary>
    public TimeSpan RenewalWarningWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// When the certificate names its card (a <c>urn:uuid:</c> subject alternative name, as PIV certificates do), the
    /// card id the agent reports must be that UUID.
    /// </summary>
    public bool RequireCardIdMatch { get; set; } = true;

    /// <summary>
    /// Refuse (<c>certificate.no-card-id</c>) a certificate that names no card: without a card UUID the card reported
    /// cannot be checked against it (issue 13, defect 9).
    /// </summary>
    public bool RequireCardUuid { get; set; } = true;

    /// <summary>
    /// Extended key usage OIDs the certificate must all carry (an EKU extension is then required). Empty: client
    /// authentication (<c>1.3.6.1.5.5.7.3.2</c>) only, which a PIV Card Authentication (9E) certificate, usable without
    /// the PIN, does not carry.
    /// </summary>
    public List<string> RequiredExtendedKeyUsages { get; set; } = [];

    /// <summary>Certificate policy OIDs the certificate must all carry (e.g. the issuer's PIV Authentication policy). Empty: none.</summary>
    public List<string> RequiredPolicyOids { get; set; } = [];

    /// <summary>The EKUs actually required: <see cref="RequiredExtendedKeyUsages"/>, or client authentication.</summary>
    internal IReadOnlyList<string> EffectiveExtendedKeyUsages =>
        RequiredExtendedKeyUsages.Count > 0 ? RequiredExtendedKeyUsages : [ClientAuthenticationOid];

    internal const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Validated certificates remembered (by SHA-256 of their bytes) to skip chain building on re-login.</summary>
    public int ValidationCacheCapacity { get; set; } = 200_000;
}
