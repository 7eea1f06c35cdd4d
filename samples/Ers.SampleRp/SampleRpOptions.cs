namespace Ers.SampleRp;

/// <summary>Where the provider is and who this application is to it (section <c>SampleRp</c>).</summary>
public sealed class SampleRpOptions
{
    public const string Section = "SampleRp";

    /// <summary>The provider's issuer; its discovery document is under <c>.well-known/openid-configuration</c>.</summary>
    public string Authority { get; set; } = "";

    public string ClientId { get; set; } = "";

    /// <summary>Empty for a public client (PKCE alone); from user secrets or the environment, never in a file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// A PEM CA the provider's TLS certificate chains to, for a provider whose CA the machine does not trust (the
    /// local run's development server CA); empty: the machine's trust store alone.
    /// </summary>
    public string? ProviderCaFile { get; set; }
}
