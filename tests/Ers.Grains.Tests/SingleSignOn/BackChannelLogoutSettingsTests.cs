using Ers.Grains.SingleSignOn;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ers.Grains.Tests.SingleSignOn;

/// <summary>
/// Which signing keys a silo reads: a web node with its provider turned off (every test host, the manifests) co-hosts
/// a silo that must start whatever key paths the shipped settings name; a silo given keys checks they exist.
/// </summary>
public sealed class BackChannelLogoutSettingsTests
{
    private const string Missing = "/nonexistent/ers/oidc-signing.key.pem";

    [Fact]
    public void A_provider_turned_off_reads_no_key_file_and_starts()
    {
        var options = Resolve(new() { ["Ers:Oidc:Enabled"] = "false", ["Ers:Oidc:SigningKeyFiles:0"] = Missing });

        Assert.Empty(options.SigningKeyFiles);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("true")]
    public void A_silo_given_a_key_file_that_does_not_exist_refuses_to_start(string? enabled)
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            Resolve(new() { ["Ers:Oidc:Enabled"] = enabled, ["Ers:Oidc:SigningKeyFiles:0"] = Missing }));

        Assert.Contains(BackChannelLogoutOptions.SigningKeyFilesKey, error.Message);
    }

    private static BackChannelLogoutOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddErsBackChannelLogout(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<BackChannelLogoutOptions>>().Value;
    }
}
