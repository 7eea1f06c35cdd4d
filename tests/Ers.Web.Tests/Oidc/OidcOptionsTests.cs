using Ers.Oidc.Store;
using Ers.Web.Oidc;

namespace Ers.Web.Tests.Oidc;

/// <summary>The <c>Ers:Oidc</c> settings a node refuses to start with, each named in a sentence.</summary>
public sealed class OidcOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ers-oidc-options-").FullName;

    [Fact]
    public void Off_needs_nothing() => Assert.Empty(new OidcOptions().Validate());

    [Fact]
    public void On_it_needs_a_store_and_readable_keys()
    {
        var problems = new OidcOptions { Enabled = true, Store = OidcStoreKind.Postgres, SigningKeyFiles = [Path.Combine(_directory, "missing.pem")] }.Validate().ToList();
        Assert.Contains(problems, p => p.Contains("ConnectionStrings:Oidc", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("missing.pem", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("EncryptionKeyFiles must name at least one", StringComparison.Ordinal));
    }

    [Fact]
    public void A_short_key_is_refused()
    {
        var path = Path.Combine(_directory, "short.pem");
        using (var rsa = System.Security.Cryptography.RSA.Create(1024))
        {
            File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        }

        Assert.Contains(OidcKeys.Check([path], "keys"), p => p.Contains("1024-bit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://app.example.org/signin-oidc", true)]
    [InlineData("http://127.0.0.1:5001/signin-oidc", true)]
    [InlineData("http://localhost:5001/signin-oidc", true)]
    [InlineData("http://app.example.org/signin-oidc", false)]
    [InlineData("https://app.example.org/signin-oidc#x", false)]
    [InlineData("/signin-oidc", false)]
    [InlineData("javascript:alert(1)", false)]
    public void Client_addresses_are_https_or_loopback_http(string uri, bool allowed) =>
        Assert.Equal(allowed, OidcClientOptions.IsAllowedAddress(uri));

    [Fact]
    public void A_client_needs_a_redirect_uri_known_scopes_and_a_unique_id()
    {
        var client = new OidcClientOptions { ClientId = "app", Scopes = ["profile", "everything"] };
        var problems = new OidcOptions { Clients = [client, new OidcClientOptions { ClientId = "app", RedirectUris = ["https://a.example/cb"] }] }
            .Validate().ToList();
        Assert.Empty(problems);

        var enabled = new OidcOptions
        {
            Enabled = true,
            SqlitePath = "x.db",
            Clients = [client, new OidcClientOptions { ClientId = "app", RedirectUris = ["https://a.example/cb"] }],
        }.Validate().ToList();
        Assert.Contains(enabled, p => p.Contains("RedirectUris must name at least one", StringComparison.Ordinal));
        Assert.Contains(enabled, p => p.Contains("'everything'", StringComparison.Ordinal));
        Assert.Contains(enabled, p => p.Contains("client id 'app' more than once", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
