using System.Text.Json;

namespace Ers.Observability.Tests;

/// <summary>The committed observability files in the repository.</summary>
public static class RepositoryFiles
{
    public static string Root => Ers.Testing.RepoRoot.Path;

    public static string Dashboard => Path.Combine(Root, "k8s", "observability", "grafana", "ers-dashboard.json");

    public static string AlertRules => Path.Combine(Root, "k8s", "observability", "prometheus", "ers-alerts.rules.yaml");

    /// <summary>
    /// Every PromQL expression of the dashboard, with the panel it belongs to, with Grafana's
    /// <c>$__rate_interval</c> replaced by <paramref name="rateInterval"/> (Grafana derives it from the scrape
    /// interval and the zoom; the tests scrape every second).
    /// </summary>
    public static IReadOnlyList<(string Panel, string Legend, string Expr)> DashboardQueries(string rateInterval)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var queries = new List<(string, string, string)>();
        foreach (var panel in json.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                queries.Add((panel.GetProperty("title").GetString()!,
                    target.TryGetProperty("legendFormat", out var legend) ? legend.GetString() ?? "" : "",
                    target.GetProperty("expr").GetString()!.Replace("$__rate_interval", rateInterval, StringComparison.Ordinal)));
            }
        }

        return queries;
    }
}
