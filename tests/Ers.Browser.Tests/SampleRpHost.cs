using System.Globalization;
using Ers.Testing;
using Ers.Testing.Hosts;
using Ers.Testing.Processes;
using Ers.Tools.Pki;

namespace Ers.Browser.Tests;

/// <summary>
/// Ers.Web with the OpenID Connect provider on (a SQLite store, the test PKI's keys) and the sample relying party
/// (samples/Ers.SampleRp) as a real process on its own port: ASP.NET Core's OpenID Connect handler, registered with
/// Ers as a public client on its loopback redirect URI, trusting the test server CA for its back channel.
/// </summary>
public sealed class SampleRpHost : ErsWebHost
{
    public const string ClientId = "ers-sample-rp";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly int _rpPort = FreePort.Next();
    private HostProcess? _rp;

    /// <summary>Where a browser opens the relying party.</summary>
    public Uri RpAddress => new($"https://127.0.0.1:{_rpPort.ToString(CultureInfo.InvariantCulture)}/");

    public string RpOutput => _rp?.Output ?? "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
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
            .Set("Ers:Oidc:Clients:0:Scopes:2", "nationalrbacaccess");
}
