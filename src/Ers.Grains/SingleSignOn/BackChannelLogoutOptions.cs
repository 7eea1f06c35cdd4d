namespace Ers.Grains.SingleSignOn;

/// <summary>
/// How the silo tells applications that a session ended (section <c>Ers:Oidc:BackChannelLogout</c>), and the keys it
/// signs the logout tokens with: the provider's own, <c>Ers:Oidc:SigningKeyFiles</c>, so an application checks them
/// against the same JWKS as its id tokens.
/// </summary>
public sealed class BackChannelLogoutOptions
{
    public const string Section = "Ers:Oidc:BackChannelLogout";

    public const string SigningKeyFilesKey = "Ers:Oidc:SigningKeyFiles";

    /// <summary>The provider's on/off setting; explicitly off means the silo signs nothing and reads no key file.</summary>
    public const string ProviderEnabledKey = "Ers:Oidc:Enabled";

    /// <summary>The provider's signing keys (PEM, RSA): the first signs. Bound from <see cref="SigningKeyFilesKey"/>.</summary>
    public List<string> SigningKeyFiles { get; set; } = [];

    /// <summary>The wait after the first failed attempt; each later one doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After this long from the session's end no further attempt is made (audited as a failure).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a logout token is valid (its <c>exp</c>); each attempt signs a fresh one.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one POST may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>PEM CA files trusted for applications' TLS besides the machine's store (the local run's server CA).</summary>
    public List<string> TrustedCaFiles { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        if (FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay || GiveUpAfter <= TimeSpan.Zero
            || TokenLifetime <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            yield return $"{Section}: delays and lifetimes must be positive, and MaxRetryDelay at least FirstRetryDelay.";
        }

        foreach (var file in SigningKeyFiles.Concat(TrustedCaFiles).Where(f => !File.Exists(f)))
        {
            yield return $"{Section}: the file {file} does not exist.";
        }
    }
}
