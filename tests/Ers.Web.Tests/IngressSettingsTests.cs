using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>
/// A network range is no identity (issue 13, defect 10): a host still given <c>Ers:Workstations:TrustedProxies</c>
/// refuses to start, naming the setting, rather than trusting less than its operator expects; an ingress port without
/// its CA refuses too.
/// </summary>
public sealed class IngressSettingsTests
{
    [Theory]
    [InlineData("Ers:Workstations:TrustedProxies:0", "10.64.0.0/14", "Ers:Workstations:TrustedProxies")]
    [InlineData("Ers:Ingress:HttpsUrl", "https://127.0.0.1:0", "Ers:Ingress:ClientCaPath")]
    public async Task A_setting_that_would_trust_a_proxy_wrongly_stops_the_start_naming_it(string key, string value, string named)
    {
        var host = new SettingsHost(key, value);
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(host.InitializeAsync);

            Assert.Contains(named, Messages(failure), StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static string Messages(Exception? e)
    {
        var text = "";
        for (; e is not null; e = e.InnerException)
        {
            text += e.Message + "\n";
        }

        return text;
    }

    private sealed class SettingsHost(string key, string value) : AgentHost
    {
        protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() => [new(key, value)];
    }
}
