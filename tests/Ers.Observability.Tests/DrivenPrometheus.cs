using System.Text.Json;

namespace Ers.Observability.Tests;

/// <summary>
/// Ers.Web running with a real Prometheus scraping it every second, after a known load was driven in rounds.
/// Between rounds it waits until Prometheus has scraped the round, so every counter has an earlier sample and
/// rates are not empty. Set <c>ERS_DASHBOARD_EXPORT=file.json</c> to drive longer and keep the range data for the
/// dashboard picture (k8s/observability/render-dashboard.py).
/// </summary>
public sealed class DrivenPrometheus : IAsyncLifetime
{
    public const string Job = "ers-web";

    public static string? ExportPath => Environment.GetEnvironmentVariable("ERS_DASHBOARD_EXPORT") is { Length: > 0 } path ? path : null;

    /// <summary>
    /// The window that stands for Grafana's <c>$__rate_interval</c>: the whole short run in the test, a short one
    /// for the picture so its rates follow the load.
    /// </summary>
    public static string RateInterval => ExportPath is null ? "30s" : "10s";

    public ErsWebHost Host { get; private set; } = null!;

    public PrometheusServer Prometheus { get; private set; } = null!;

    public LoadDriver Load { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public DateTimeOffset Started { get; private set; }

    public async Task InitializeAsync()
    {
        Started = DateTimeOffset.UtcNow;
        Host = new ErsWebHost();
        Http = new HttpClient { BaseAddress = Host.Address };
        Prometheus = await PrometheusServer.StartAsync(Job, Host.Address, RepositoryFiles.AlertRules);
        Load = new LoadDriver(Host);
        var rounds = ExportPath is null ? 2 : 40;
        for (var round = 0; round < rounds; round++)
        {
            await Load.RoundAsync(round, Http);
            await ScrapedAsync();
        }
    }

    /// <summary>Waits until Prometheus holds a sample with everything driven so far.</summary>
    public async Task ScrapedAsync()
    {
        var expected = new (string Expr, double Value)[]
        {
            ("sum(ers_logins_total)", Load.LoginAttempts),
            ("sum(ers_sessions_ended_total)", Load.Ended.Values.Sum()),
            ("sum(ers_certificate_validations_total)", Load.CertificatesValid + Load.CertificatesRevoked),
            ("sum(ers_heartbeats_lost_total)", Load.HeartbeatsLost),
        };
        foreach (var (expr, value) in expected)
        {
            await Eventually.TrueAsync(async () => (await Prometheus.QueryAsync(expr)) is [{ } s] && s.Value == value,
                $"Prometheus to scrape {expr} == {value}\n{Prometheus.Log}");
        }
    }

    /// <summary>Range data of every dashboard query since the start, for the picture.</summary>
    public async Task ExportAsync(string path)
    {
        var end = DateTimeOffset.UtcNow;
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryFiles.Dashboard));
        var units = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToDictionary(
            p => p.GetProperty("title").GetString()!, p => p.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("unit").GetString());
        var panels = new List<object>();
        foreach (var panel in RepositoryFiles.DashboardQueries(RateInterval).GroupBy(q => q.Panel))
        {
            var series = new List<object>();
            foreach (var (_, legend, expr) in panel)
            {
                series.Add(new { legend, data = await Prometheus.QueryRangeAsync(expr, Started, end, TimeSpan.FromSeconds(1)) });
            }

            panels.Add(new { title = panel.Key, unit = units[panel.Key], series });
        }

        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { start = Started, end, panels }));
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
