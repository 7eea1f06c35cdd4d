using System.Globalization;
using Ers.Testing;
using Ers.Testing.Hosts;
using Ers.Testing.Processes;
using Ers.Tools.Pki;

namespace Ers.Browser.Tests;

/// <summary>
/// Ers.Web with the OpenID Connect provider on (a SQLite store, the test PKI's keys) and the sample relying party
/// (samples/Ers.SampleRp) as a real process on its own port: ASP.NET Core's OpenID Connect handler, registered with
/// Ers as a public client on its loopback redirect URI and back-channel logout URI, trusting the test server CA for its
/// back channel (and the silo trusting it for the back-channel logout).
/// </summary>
public sealed class SampleRpHost : ErsWebHost
{
    public const string ClientId = "ers-sample-rp";

    /// <summary>The second client, Duende.IdentityModel.OidcClient driven by the test itself (OidcClientTests).</summary>
    public const string OidcClientId = "duende-oidcclient";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly int _rpPort = FreePort.Next();
    private HostProcess? _rp;

    /// <summary>Where a browser opens the relying party.</summary>
    public Uri RpAddress => new($"https://127.0.0.1:{_rpPort.ToString(CultureInfo.InvariantCulture)}/");

    public string RpOutput => _rp?.Output ?? "";

    /// <summary>Where Ers sends the OidcClient's browser back: nothing listens, the test's browser route takes it.</summary>
    public Uri OidcClientRedirectUri { get; } = new($"https://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}/oidcclient-callback");

    /// <summary>The sample's back-channel logout endpoint, as registered with Ers.</summary>
    public Uri RpLogoutUri => new(RpAddress, "backchannel-logout");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await StartRpAsync();
    }

    /// <summary>Stops the sample (SIGTERM): an application that is down.</summary>
    public async Task StopRpAsync()
    {
        if (_rp is not null)
        {
            await _rp.StopAsync(StartTimeout);
            await _rp.DisposeAsync();
            _rp = null;
        }
    }

    /// <summary>Starts the sample on its port (again), and waits until it listens.</summary>
    public async Task StartRpAsync()
    {
        _rp = HostProcess.StartDotnet("sample-rp", BuildOutput.Of("samples/Ers.SampleRp", "Ers.SampleRp.dll"), RpAddress,
            new Dictionary<string, string>
            {
                ["Urls"] = RpAddress.AbsoluteUri.TrimEnd('/'),
                ["Kestrel__Certificates__Default__Path"] = DevPki.CertificatePath(PkiDirectory, DevPki.ServerName),
                ["Kestrel__Certificates__Default__KeyPath"] = DevPki.KeyPath(PkiDirectory, DevPki.ServerName),
                ["SampleRp__Authority"] = BaseAddress.AbsoluteUri,
                ["SampleRp__ClientId"] = ClientId,
                ["SampleRp__ProviderCaFile"] = DevPki.CertificatePath(PkiDirectory, DevPki.ServerCaName),
            });
        await _rp.WaitForLineAsync(line => line.Contains("Now listening on", StringComparison.Ordinal), StartTimeout, "the sample RP listening");
    }

    /// <summary>Waits for a line of the sample's output (its log).</summary>
    public Task<string> WaitForRpLineAsync(Func<string, bool> match, TimeSpan timeout) =>
        (_rp ?? throw new InvalidOperationException("The sample is not running.")).WaitForLineAsync(match, timeout, "the line awaited");

    public override async Task DisposeAsync()
    {
        if (_rp is not null)
        {
            await _rp.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override ErsSettings ConfigureSettings(ErsSettings settings, ErsWebFactory factory) =>
        settings.Oidc(factory.PkiDirectory, factory.DataDirectory)
            .Set("Ers:Oidc:Clients:0:ClientId", ClientId)
            .Set("Ers:Oidc:Clients:0:RedirectUris:0", new Uri(RpAddress, "signin-oidc").AbsoluteUri)
            .Set("Ers:Oidc:Clients:0:Scopes:0", "profile")
            .Set("Ers:Oidc:Clients:0:Scopes:1", "selectedrole")
            .Set("Ers:Oidc:Clients:0:Scopes:2", "nationalrbacaccess")
            .Set("Ers:Oidc:Clients:0:BackChannelLogoutUri", RpLogoutUri.AbsoluteUri)
            // The silo posts to the sample, whose certificate the test server CA signed; retries kept short for the test.
            .Set("Ers:Oidc:BackChannelLogout:TrustedCaFiles:0", DevPki.CertificatePath(factory.PkiDirectory, DevPki.ServerCaName))
            .Set("Ers:Oidc:BackChannelLogout:MaxRetryDelay", "00:00:02")
            .Set("Ers:Oidc:Clients:1:ClientId", OidcClientId)
            .Set("Ers:Oidc:Clients:1:RedirectUris:0", OidcClientRedirectUri.AbsoluteUri)
            .Set("Ers:Oidc:Clients:1:Scopes:0", "profile")
            .Set("Ers:Oidc:Clients:1:Scopes:1", "selectedrole")
            .Set("Ers:Oidc:Clients:1:Scopes:2", "offline_access");
}
