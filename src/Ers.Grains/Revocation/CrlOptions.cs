namespace Ers.Grains.Revocation;

/// <summary>
/// Where one kind of CA's CRLs come from and how they are read, bound twice by name: <see cref="Card"/> from
/// <c>Ers:CardAuthentication</c> and <see cref="Workstation"/> from <c>Ers:Workstations</c> (the web node reads its
/// own settings from the same sections; these are the ones the silo, which owns revocation, needs).
/// </summary>
public sealed class CrlOptions
{
    public const string Card = "card";
    public const string Workstation = "workstation";
    public const string CardSection = "Ers:CardAuthentication";
    public const string WorkstationSection = "Ers:Workstations";

    /// <summary>CRL sources: file paths or http(s) URLs, DER or PEM. Each must verify against one of the CAs below.</summary>
    public List<string> CrlSources { get; set; } = [];

    /// <summary>PEM files of the root CAs (their CRLs revoke issuing CAs).</summary>
    public List<string> TrustedRoots { get; set; } = [];

    /// <summary>PEM files of the issuing CAs (their CRLs revoke cards or workstations).</summary>
    public List<string> IntermediateCertificates { get; set; } = [];

    /// <summary>
    /// How often each source is read when its last read succeeded (sooner at a CRL's nextUpdate). A read of an
    /// unchanged source is cheap: a file's size and modification time, or an HTTP conditional GET (ETag,
    /// If-Modified-Since) answered 304.
    /// </summary>
    public TimeSpan CrlRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past its nextUpdate a CRL may still be used while no fresher one can be read. Past that, the CA's
    /// certificates are refused with <c>certificate.revocation-unknown</c> (under the default <c>StaleCrl: FailClosed</c>)
    /// until a fresh CRL arrives. Zero: refused at nextUpdate.
    /// </summary>
    public TimeSpan CrlMaxStaleness { get; set; } = TimeSpan.Zero;

    /// <summary>A CRL larger than this is refused (<c>crl.too-large</c>) and the one held is kept.</summary>
    public long CrlMaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>A read that takes longer than this, body included, is abandoned (<c>crl.timeout</c>).</summary>
    public TimeSpan CrlDownloadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between retries of a failing source (the wait doubles from one second up to this).</summary>
    public TimeSpan CrlRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Refuses settings that cannot work; names the setting at fault.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (CrlRefreshInterval <= TimeSpan.Zero)
        {
            yield return $"{section}:CrlRefreshInterval must be positive.";
        }

        if (CrlMaxStaleness < TimeSpan.Zero)
        {
            yield return $"{section}:CrlMaxStaleness must not be negative.";
        }

        if (CrlMaxBytes <= 0)
        {
            yield return $"{section}:CrlMaxBytes must be positive.";
        }

        if (CrlDownloadTimeout <= TimeSpan.Zero)
        {
            yield return $"{section}:CrlDownloadTimeout must be positive.";
        }

        if (CrlRetryMaxDelay < TimeSpan.FromSeconds(1))
        {
            yield return $"{section}:CrlRetryMaxDelay must be at least one second.";
        }

        if (CrlSources.Count > 0 && TrustedRoots.Count + IntermediateCertificates.Count == 0)
        {
            yield return $"{section}:CrlSources is set but no CA certificate (TrustedRoots, IntermediateCertificates) can verify them.";
        }

        foreach (var path in TrustedRoots.Concat(IntermediateCertificates).Where(p => !File.Exists(p)))
        {
            // The silo verifies CRLs with these: without them it would hold no CRL and every login would fail closed.
            yield return $"{section}: the CA certificate file '{path}' (TrustedRoots/IntermediateCertificates) does not exist on this silo.";
        }
    }
}
