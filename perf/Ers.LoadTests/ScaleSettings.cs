using System.Globalization;

namespace Ers.LoadTests;

/// <summary>Settings of <c>ers-load scale</c>.</summary>
public sealed record ScaleSettings(
    string PkiDirectory,
    Uri AgentApi,
    Uri SiloUrl,
    int SiloPid,
    int GatewayPort,
    IReadOnlyList<int> Levels,
    int CreateConcurrency,
    long ReserveMb,
    int Users,
    int Workstations,
    double LoginRate,
    double LoginSeconds,
    IReadOnlyList<KeyValuePair<string, int>> Processes,
    string OutputDirectory,
    string Label,
    string Command,
    int HeapTop = 25,
    string? Redis = null,
    string ClusterId = "bench-scale",
    double SettleSeconds = 180)
{
    public const string Usage = """
        ers-load scale --pki DIR --agent-url URL --silo-url http://127.0.0.1:PORT --silo-pid PID --gateway-port N [options]
          --levels 10000,100000,1000000   held active sessions at each step (created through an Orleans client)
          --create-concurrency N          grain calls in flight while creating them
          --reserve-mb N                  stop before a level that would leave less memory than this
          --login-rate N --login-seconds S   API logins measured at each level (open loop)
          --users N --workstations N --watch name=pid,... --out DIR --label TEXT
          --heap-top N                    at the last level, the silo heap by type (ClrMD), N largest types (0: skip)
          --redis HOST:PORT --cluster-id ID   find the silo through Redis membership (the production provider)
          --settle-seconds S              after creating a level, wait up to S for grains other than sessions to be
                                          collected (they leave memory two minutes after use) before measuring
        """;

    public static ScaleSettings From(Arguments a, string command)
    {
        var settings = new ScaleSettings(
            a.Required("pki"),
            new Uri(a.String("agent-url", "https://127.0.0.1:5443")),
            new Uri(a.Required("silo-url")),
            a.Int("silo-pid", 0),
            a.Int("gateway-port", 30000),
            a.String("levels", "10000,100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
            a.Int("create-concurrency", 256),
            a.Int("reserve-mb", 4096),
            a.Int("users", 2000),
            a.Int("workstations", 32),
            a.Double("login-rate", 100),
            a.Double("login-seconds", 15),
            a.Processes("watch"),
            a.String("out", "artifacts/perf"),
            a.String("label", "scale"),
            command,
            a.Int("heap-top", 25),
            a.String("redis", "") is { Length: > 0 } redis ? redis : null,
            a.String("cluster-id", "bench-scale"),
            a.Double("settle-seconds", 180));
        a.ThrowIfUnknown();
        return settings;
    }
}
