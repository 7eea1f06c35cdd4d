using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ers.Testing.Processes;

namespace Ers.Testing.Servers;

/// <summary>
/// A real Prometheus (the Debian package's <c>/usr/bin/prometheus</c>) on a free 127.0.0.1 port with a throwaway
/// TSDB, scraping the given targets every second and loading the committed Ers alert rules.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly HostProcess _process;
    private readonly string _directory;

    private PrometheusServer(HostProcess process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>What Prometheus printed, for failure messages.</summary>
    public string Log => _process.Output;

    public static async Task<PrometheusServer> StartAsync(string job, Uri target, string ruleFile)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException(
                $"Prometheus is not installed ({Binary} is missing). Install the Debian package: apt-get install -y prometheus");
        }

        var directory = Directory.CreateTempSubdirectory("ers-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - "{ruleFile}"
            scrape_configs:
              - job_name: {job}
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(Binary);
        foreach (var argument in new[]
        {
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var address = new Uri($"http://127.0.0.1:{port}/");
        var process = HostProcess.Start("prometheus", address, start);
        var server = new PrometheusServer(process, directory, address);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Prometheus exited with {process.ExitCode}:\n{server.Log}");
                }

                try
                {
                    return (await server.Http.GetAsync("-/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "Prometheus to be ready", TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Evaluates an instant query; fails with Prometheus' own error text when the expression is wrong.</summary>
    public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(string expr)
    {
        using var response = await Http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(expr)}");
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused '{expr}': {body}");
        }

        var data = json.RootElement.GetProperty("data");
        var type = data.GetProperty("resultType").GetString();
        if (type == "scalar")
        {
            return [new PrometheusSample(new Dictionary<string, string>(), ParseValue(data.GetProperty("result")[1]))];
        }

        return data.GetProperty("result").EnumerateArray()
            .Select(r => new PrometheusSample(
                r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                ParseValue(r.GetProperty("value")[1])))
            .ToList();
    }

    /// <summary>The raw range-query answer (for the dashboard picture).</summary>
    public async Task<JsonElement> QueryRangeAsync(string expr, DateTimeOffset from, DateTimeOffset to, TimeSpan step)
    {
        var url = FormattableString.Invariant(
            $"api/v1/query_range?query={Uri.EscapeDataString(expr)}&start={from.ToUnixTimeMilliseconds() / 1000.0}&end={to.ToUnixTimeMilliseconds() / 1000.0}&step={step.TotalSeconds}");
        using var json = JsonDocument.Parse(await Http.GetStringAsync(url));
        return json.RootElement.GetProperty("data").Clone();
    }

    /// <summary>The loaded rule groups as Prometheus reports them (<c>/api/v1/rules</c>).</summary>
    public async Task<JsonElement> RulesAsync()
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync("api/v1/rules"));
        return json.RootElement.GetProperty("data").GetProperty("groups").Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static double ParseValue(JsonElement value) =>
        double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
}
