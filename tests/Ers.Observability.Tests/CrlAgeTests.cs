using System.Globalization;

namespace Ers.Observability.Tests;

/// <summary><c>ers.crl.age</c> comes from the CRL the web host really loaded at start-up, aged by the rules' clock.</summary>
public sealed class CrlAgeTests
{
    [Fact]
    public async Task The_crl_loaded_at_start_up_ages_with_the_clock()
    {
        await using var host = new ErsWebHost();
        using var http = new HttpClient { BaseAddress = host.Address };
        var before = await CrlAgeAsync(http);

        host.Clock.Advance(TimeSpan.FromHours(2));

        // The exporter caches a scrape briefly: wait for a fresh one.
        await Eventually.TrueAsync(async () => Math.Abs(await CrlAgeAsync(http) - (before + 7200)) < 1e-3,
            $"ers_crl_age_seconds to grow from {before} by two hours");
    }

    private static async Task<double> CrlAgeAsync(HttpClient http)
    {
        var line = (await http.GetStringAsync("metrics")).Split('\n').SingleOrDefault(l => l.StartsWith("ers_crl_age_seconds", StringComparison.Ordinal));
        Assert.True(line is not null, "ers_crl_age_seconds is not exported: no CRL was loaded.");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
