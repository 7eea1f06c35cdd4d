using System.Net;

namespace Ers.LoadTests;

/// <summary>Settings of <c>ers-load flood</c> (see <see cref="Usage"/>).</summary>
public sealed record FloodSettings(
    string PkiDirectory,
    Uri AgentApi,
    int Users,
    int Workstations,
    double Rate,
    double WarmupSeconds,
    double PhaseSeconds,
    int FloodConcurrency,
    IReadOnlyList<string> FloodKinds,
    string FloodSource,
    IReadOnlyList<KeyValuePair<string, int>> Processes,
    string OutputDirectory,
    string Label,
    string Command)
{
    public const string NoCertificate = "no-certificate";
    public const string UntrustedCertificate = "untrusted-certificate";

    public const string Usage = """
        ers-load flood --pki DIR --agent-url https://127.0.0.1:5443 [options]
          --rate N                   full card logins/s, open loop, the same in both phases (default 50)
          --warmup S --phase S       an unmeasured warm-up, then a quiet and a flood phase of S seconds each
          --flood-concurrency N      flood requests in flight at once, over as many connections (default 64)
          --flood-kinds LIST         no-certificate,untrusted-certificate (default both, the connections split evenly)
          --flood-source ADDRESS     the flood's source address (default 127.0.0.2: another client than the workstations)
          --users N --workstations N --watch ers-web=PID,... --out DIR --label TEXT
        ers-load flood-source --pki DIR --agent-url URL [--flood-* options]   the flood alone (ers-load flood starts it)
        """;

    public static FloodSettings From(Arguments a, string command)
    {
        var settings = new FloodSettings(
            a.Required("pki"),
            new Uri(a.String("agent-url", "https://127.0.0.1:5443")),
            a.Int("users", 2000),
            a.Int("workstations", 64),
            a.Double("rate", 50),
            a.Double("warmup", 10),
            a.Double("phase", 30),
            a.Int("flood-concurrency", 64),
            a.String("flood-kinds", $"{NoCertificate},{UntrustedCertificate}").Split(',', StringSplitOptions.RemoveEmptyEntries),
            a.String("flood-source", "127.0.0.2"),
            a.Processes("watch"),
            a.String("out", "artifacts/perf"),
            a.String("label", "flood"),
            command);
        a.ThrowIfUnknown();
        if (settings.FloodKinds.Count == 0 || settings.FloodKinds.Any(k => k is not (NoCertificate or UntrustedCertificate)))
        {
            throw new ArgumentException($"--flood-kinds takes {NoCertificate} and/or {UntrustedCertificate}.");
        }

        return IPAddress.TryParse(settings.FloodSource, out _) ? settings : throw new ArgumentException("--flood-source must be an IP address.");
    }
}
