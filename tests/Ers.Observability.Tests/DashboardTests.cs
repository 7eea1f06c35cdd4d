using System.Text.Json;
using System.Text.RegularExpressions;
using Ers.Grains.Telemetry;
using Ers.ServiceDefaults;
using Xunit.Abstractions;

namespace Ers.Observability.Tests;

/// <summary>
/// The dashboard and the alert rules, evaluated by a real Prometheus against a running Ers.Web after a known load:
/// every expression returns data and the numbers are the ones driven.
/// </summary>
public sealed partial class DashboardTests(DrivenPrometheus driven, ITestOutputHelper output) : IClassFixture<DrivenPrometheus>
{
    private PrometheusServer Prometheus => driven.Prometheus;

    private LoadDriver Load => driven.Load;

    [Fact]
    public async Task Every_dashboard_query_returns_data()
    {
        var queries = RepositoryFiles.DashboardQueries(DrivenPrometheus.RateInterval);
        Assert.True(queries.Count >= 20, $"The dashboard has only {queries.Count} queries.");
        foreach (var (panel, legend, expr) in queries)
        {
            // Rates need two samples of a series: the last round's series may be one scrape away. Data means a
            // number: not an empty answer, not NaN (a quantile of nothing), and for Ers' own series not zero.
            var samples = await Eventually.ValueAsync(async () => await Prometheus.QueryAsync(expr) is { Count: > 0 } s
                && s.Any(x => double.IsFinite(x.Value) && (x.Value != 0 || !expr.Contains("ers_", StringComparison.Ordinal))) ? s : null,
                $"data for '{panel}' / '{legend}': {expr}");
            output.WriteLine($"{panel} / {legend}: {string.Join(", ", samples.Select(s => $"{string.Join(",", s.Labels.Values)}={s.Value:G4}"))}");
        }

        if (DrivenPrometheus.ExportPath is { } path)
        {
            await driven.ExportAsync(path);
        }
    }

    [Fact]
    public async Task The_numbers_are_the_driven_ones()
    {
        await AssertByLabelAsync("sum by (ers_reason) (ers_logins_total{ers_outcome=\"failure\"})", "ers_reason", Load.Failures);
        await AssertValueAsync("sum(ers_logins_total{ers_outcome=\"success\"})", Load.Successes);
        await AssertValueAsync("sum(ers_login_duration_seconds_count)", Load.LoginAttempts);
        await AssertByLabelAsync("sum by (ers_organisation_kind) (ers_sessions_active)", "ers_organisation_kind", Load.Active);
        await AssertByLabelAsync("sum by (ers_session_end_reason) (ers_sessions_ended_total)", "ers_session_end_reason", Load.Ended);
        await AssertByLabelAsync("sum by (ers_organisation_kind) (ers_role_selections_total)", "ers_organisation_kind", Load.RoleSelections);
        await AssertByLabelAsync("sum by (ers_business_function) (ers_business_function_selections_total)", "ers_business_function",
            Load.FunctionSelections);
        await AssertByLabelAsync("sum by (ers_result) (ers_certificate_validations_total)", "ers_result",
            new Dictionary<string, int> { ["valid"] = Load.CertificatesValid, ["revoked"] = Load.CertificatesRevoked });
        await AssertValueAsync("sum(ers_pin_lockouts_total)", Load.PinLockouts);
        await AssertValueAsync("sum(ers_heartbeats_lost_total)", Load.HeartbeatsLost);
        // The host's own CRL refresh runs on the rules' clock, which the last round moved: it may land a scrape later.
        await Eventually.TrueAsync(async () => (await Prometheus.QueryAsync("max(ers_crl_age_seconds)")) is [{ } age]
            && Math.Abs(age.Value - Load.CrlAge.TotalSeconds) < 1e-6, "ers_crl_age_seconds to match the CRL held");
        await AssertValueAsync("sum(http_server_request_duration_seconds_count{http_response_status_code=\"500\"})", Load.ServerErrors);
        await AssertValueAsync("max(orleans_consistent_ring_size)", 1);
        Assert.True((await Prometheus.QueryAsync("sum(orleans_catalog_activations)")).Single().Value >= 1);
    }

    [Fact]
    public async Task Every_alert_rule_evaluates_and_the_driven_ones_fire()
    {
        // Prometheus loaded the committed rule file at start (it refuses to start on a bad one); wait until each rule
        // was evaluated after the load, then read its health.
        var rules = await Eventually.ValueAsync(async () =>
        {
            var all = AlertRules(await Prometheus.RulesAsync()).ToList();
            return all.Count > 0 && all.All(r => r.GetProperty("lastEvaluation").GetDateTimeOffset() > driven.Started) ? all : null;
        }, "every alert rule to be evaluated");
        Assert.Equal(9, rules.Count);
        foreach (var rule in rules)
        {
            var name = rule.GetProperty("name").GetString()!;
            Assert.True(rule.GetProperty("health").GetString() == "ok",
                $"{name}: {(rule.TryGetProperty("lastError", out var error) ? error.GetString() : "")}");
            var samples = await Prometheus.QueryAsync(rule.GetProperty("query").GetString()!);
            output.WriteLine($"{name}: state {rule.GetProperty("state")}, {samples.Count} series");
        }

        // What the load makes true: about a third of logins refused, a one-silo cluster.
        foreach (var firing in new[] { "ErsLoginFailureRatioHigh", "ErsSiloCountLow" })
        {
            var rule = rules.Single(r => r.GetProperty("name").GetString() == firing);
            Assert.NotEmpty(await Prometheus.QueryAsync(rule.GetProperty("query").GetString()!));
            await Eventually.TrueAsync(async () => AlertRules(await Prometheus.RulesAsync())
                .Single(r => r.GetProperty("name").GetString() == firing).GetProperty("state").GetString() is "pending" or "firing",
                $"{firing} to be pending");
        }

        // And what it keeps false: nothing is slow, no target is down, and (in the short run) few agents or cards
        // are lost (the longer picture run loses one agent per round, so there that alert fires, as it should).
        var quietRules = new List<string> { "ErsLoginLatencyHigh", "ErsTargetDown", "ErsCrlStale" };
        if (Load.HeartbeatsLost <= 5)
        {
            quietRules.Add("ErsAgentsLost");
        }

        if (Load.PinLockouts <= 10)
        {
            quietRules.Add("ErsPinLockoutsSpike");
        }

        foreach (var quiet in quietRules)
        {
            Assert.Empty(await Prometheus.QueryAsync(rules.Single(r => r.GetProperty("name").GetString() == quiet).GetProperty("query").GetString()!));
        }
    }

    [Fact]
    public async Task No_label_carries_personal_data()
    {
        var text = await driven.Http.GetStringAsync(ErsTelemetry.MetricsPath.TrimStart('/'));
        var series = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("target_info", StringComparison.Ordinal)).ToList();
        Assert.Contains(series, l => l.StartsWith("ers_logins_total{", StringComparison.Ordinal));

        foreach (var line in series)
        {
            foreach (Match label in LabelValue().Matches(line))
            {
                Assert.False(TwelveDigits().IsMatch(label.Groups[1].Value), $"A 12-digit number in a label: {line}");
            }
        }

        var personal = Load.Users.SelectMany(u => new[] { u.UserId, u.Name }.Concat(u.RoleProfiles.Select(p => p.RoleProfileId)))
            .Concat(Load.OtherIdentifiers).ToList();
        Assert.True(personal.Count > 50);
        foreach (var value in personal)
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        }

        // And Prometheus itself holds no such label value either.
        foreach (var label in new[] { "ers_reason", "ers_outcome", "ers_organisation_kind", "ers_session_end_reason", "ers_result", "ers_business_function" })
        {
            using var values = JsonDocument.Parse(await Prometheus.Http.GetStringAsync($"api/v1/label/{label}/values"));
            var all = values.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToList();
            Assert.NotEmpty(all);
            Assert.All(all, v => Assert.False(TwelveDigits().IsMatch(v), $"{label}={v}"));
            Assert.All(all, v => Assert.DoesNotContain(v, personal));
        }
    }

    [Fact]
    public void The_meter_the_hosts_export_is_the_one_the_grains_use() =>
        Assert.Equal(ErsMetrics.MeterName, ErsTelemetry.ErsMeter);

    private static IEnumerable<JsonElement> AlertRules(JsonElement groups) =>
        groups.EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Where(r => r.GetProperty("type").GetString() == "alerting");

    private async Task AssertValueAsync(string expr, double expected)
    {
        var samples = await Prometheus.QueryAsync(expr);
        Assert.True(samples.Count == 1, $"{expr}: {samples.Count} series");
        Assert.True(Math.Abs(samples[0].Value - expected) < 1e-6, $"{expr} = {samples[0].Value}, driven {expected}");
    }

    private async Task AssertByLabelAsync(string expr, string label, IReadOnlyDictionary<string, int> expected)
    {
        var samples = await Prometheus.QueryAsync(expr);
        var actual = samples.ToDictionary(s => s.Label(label), s => s.Value);
        Assert.Equal(expected.Where(e => e.Value != 0 || actual.ContainsKey(e.Key)).OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"),
            actual.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}"));
    }

    [GeneratedRegex("=\"([^\"]*)\"")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"(?<![0-9])[0-9]{12}(?![0-9])")]
    private static partial Regex TwelveDigits();
}
