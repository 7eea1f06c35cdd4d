using System.Globalization;
using System.Text;
using Ers.Audit.Postgres;
using Ers.Testing;
using Ers.Testing.Hosts;
using Ers.Testing.Servers;
using Ers.Testing.Silos;

namespace Ers.LoadTests.Bench;

/// <summary>
/// <c>bench resilience</c>: the production shape on one machine, a fresh one per fault: Redis (membership and grain
/// state, AOF with an fsync per write), PostgreSQL (audit), silo A on the host, silo B inside a network namespace
/// (scripts/bench-netns.sh) so its network can be cut, Ers.Web as a client. Faults (<c>BENCH_FAULTS</c>): SIGKILL
/// silo B, restart Redis, restart PostgreSQL, cut silo B's network. Needs root (the namespace).
/// </summary>
public static class ResilienceBench
{
    public static async Task<int> RunAsync(BenchStage stage, IReadOnlyList<string> userArgs, CancellationToken cancellationToken)
    {
        var env = stage.Environment;
        var failed = 0;
        foreach (var fault in env.Faults)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var label = $"resilience-{fault}{env.LabelSuffix}";
            if (fault == "postgres-restart" && env.AuditStore != "postgres")
            {
                var skipped = $"== {fault}: skipped, BENCH_AUDIT_STORE=file has no PostgreSQL audit trail";
                Console.WriteLine(skipped);
                await File.WriteAllTextAsync(Path.Combine(env.OutputDirectory, label + ".md"), skipped + "\n", cancellationToken);
                continue;
            }

            Console.WriteLine($"== resilience: {fault}");
            try
            {
                await RunFaultAsync(stage, fault, label, userArgs, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or Npgsql.NpgsqlException)
            {
                // As before: one fault's failure does not cost the others their run.
                Console.WriteLine($"run {fault} failed: {e.Message}");
                failed++;
            }
        }

        return failed == 0 ? 0 : 1;
    }

    private static async Task RunFaultAsync(BenchStage stage, string fault, string label, IReadOnlyList<string> userArgs, CancellationToken cancellationToken)
    {
        var env = stage.Environment;
        const string host = NetworkNamespace.HostAddress;
        const string inside = NetworkNamespace.NamespaceAddress;
        // Disposed in reverse order: Ers.Web and the silos first (silo B must be gone before its namespace is
        // deleted, or the namespace lingers), then the stores, then the namespace.
        await using var network = await NetworkNamespace.UpAsync();
        // Reachable from the namespace through the veth; an fsync per write, so a restart loses no acknowledged write.
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { BindAddresses = ["127.0.0.1", host], AppendFsync = "always" });
        // A fresh database per fault: the audit rows counted afterwards must be this run's only.
        await using var postgres = env.AuditStore == "postgres"
            ? await PostgresServer.StartAsync(new PostgresServerOptions { ExtraListenAddresses = [host], TrustedNetworks = [host + "/30"], Fsync = true })
            : null;
        if (postgres is not null)
        {
            await using var migrator = PostgresAuditTrail.CreateDataSource(postgres.ConnectionString);
            await new AuditSchemaMigrator(migrator).MigrateAsync();
        }

        ErsSettings Cluster(string advertised, string storeHost, string name)
        {
            var settings = new ErsSettings { ["Logging:LogLevel:Default"] = "Warning", ["Ers:Cluster:AdvertisedAddress"] = advertised }
                .RedisCluster(redis.ConnectionStringFor(storeHost), $"bench-{fault}", serviceId: "ers");
            return postgres is not null
                ? settings.PostgresAudit(postgres.ConnectionStringFor(storeHost))
                : settings.FileAudit(Path.Combine(env.WorkDirectory, $"audit-{fault}-{name}.jsonl"));
        }

        await using var siloA = await SiloProcess.StartAsync("silo-a",
            Cluster(host, "127.0.0.1", "a").Set("Ers:Directory:SeedFile", stage.DirectoryFile).Set("DOTNET_gcServer", "1").ToEnvironment());
        await using var siloB = await SiloProcess.StartAsync("silo-b", Cluster(inside, host, "b").Set("DOTNET_gcServer", "1").ToEnvironment(),
            new SiloLaunch { Address = inside, Through = network.Exec });
        await Eventually.TrueAsync(() => siloA.IsHealthyAsync("ready"), "silo A /health/ready", TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(() => siloB.IsHealthyAsync("ready"), "silo B /health/ready", TimeSpan.FromMinutes(2));
        var (pagesPort, agentPort) = (FreePort.Next(), FreePort.Next());
        await using var web = await stage.StartWebAsync("ers-web",
            stage.ClusterWebSettings(pagesPort, agentPort).Set(Cluster(host, "127.0.0.1", "web")), pagesPort, agentPort);

        // Stores come back after 5 s; the network after 15 s, long enough for the cluster to declare silo B dead.
        var (description, recovery, faults) = fault switch
        {
            "kill-silo" => ($"SIGKILL silo-b (pid {siloB.Pid})", null, new RunFaults(_ => siloB.KillAsync(), null)),
            "redis-restart" => ($"stop redis-server (SIGTERM, pid {redis.Pid})", "start redis-server again (same port and AOF)",
                new RunFaults(_ => redis.StopAsync(), _ => redis.StartAgainAsync())),
            "postgres-restart" => ("pg_ctl stop -m fast", "pg_ctl start",
                new RunFaults(_ => postgres!.StopAsync(), _ => postgres!.StartAgainAsync())),
            _ => ($"ip link set {network.HostDevice} down (silo B's network)", $"ip link set {network.HostDevice} up",
                new RunFaults(_ => network.CutAsync(), _ => network.RestoreAsync())),
        };
        var back = fault == "network-cut" ? 30 : 20;
        List<string> args =
        [
            "--pki", stage.Pki, "--agent-url", web.AgentApi.ToString().TrimEnd('/'), "--ers-url", web.Pages.ToString().TrimEnd('/'),
            "--users", BenchStage.Text(env.Users), "--watch", $"ers-web={web.Pid},silo-a={siloA.Pid},silo-b={siloB.Pid}",
            "--out", env.OutputDirectory, "--label", label,
            "--rate", BenchStage.Text(env.ResilienceRate), "--ramp", "3", "--duration", BenchStage.Text(env.ResilienceDuration),
            "--hold", BenchStage.Text(env.ResilienceHold), "--page-views", "1", "--heartbeats", "1", "--pv-slices", "0",
            "--fault-at", "15", "--fault", description,
            .. recovery is null ? [] : new[] { "--recover-at", BenchStage.Text(back), "--recover", recovery },
            .. userArgs,
        ];
        var run = new JourneyRun(JourneySettings.From(new Arguments(args), BenchStage.CommandLine("journeys", args)), faults);
        await run.RunAsync(cancellationToken);
        var report = run.Report ?? throw new InvalidOperationException("The run wrote no report.");
        var lines = await AuditLinesAsync(report, postgres, env, fault);
        await File.AppendAllTextAsync(Path.Combine(env.OutputDirectory, label + ".md"), lines, cancellationToken);
        Console.Write(lines);
        await BenchStage.PlotAsync(Path.Combine(env.OutputDirectory, label + ".json"));
    }

    /// <summary>
    /// What the generator saw succeed against what the audit trail holds, and when logins came back (from the 1 s
    /// samples: the first completed login after the fault and after the recovery, and the last second with errors;
    /// the generator's recovery is the first clean 3 s, which a later burst of errors, such as calls left waiting for
    /// the response timeout on a killed silo, does not undo).
    /// </summary>
    private static async Task<string> AuditLinesAsync(RunReport report, PostgresServer? postgres, BenchEnvironment env, string fault)
    {
        var i = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        string created;
        string? byRole = null;
        if (postgres is not null)
        {
            await using var source = postgres.CreateDataSource();
            created = await ScalarAsync(source, $"select count(*) from {AuditSchema.Table} where event = 'SessionCreated'");
            // By session, not only by count (a count can be made up by sessions whose login failed after their
            // creation was audited): sessions that chose a role, and those of them with no SessionCreated record.
            var chosen = await ScalarAsync(source, $"select count(distinct session_id) from {AuditSchema.Table} where event = 'RoleChosen'");
            var orphans = await ScalarAsync(source, $"""
                select count(distinct r.session_id) from {AuditSchema.Table} r where r.event = 'RoleChosen'
                  and not exists (select 1 from {AuditSchema.Table} c where c.session_id = r.session_id and c.event = 'SessionCreated')
                """);
            byRole = $"Sessions with a RoleChosen record: {chosen} (>= the logins above unless RoleChosen records were lost); of them without a SessionCreated record: {orphans}";
        }
        else
        {
            created = BenchStage.Text(Directory.EnumerateFiles(env.WorkDirectory, $"audit-{fault}-*.jsonl")
                .Sum(f => File.ReadLines(f).Count(l => l.Contains("\"event\":\"SessionCreated\"", StringComparison.Ordinal))));
        }

        var logins = report.LoginsCompleted;
        var lost = long.TryParse(created, i, out var rows) ? BenchStage.Text((int)Math.Max(0, logins - rows)) : "unknown";
        text.AppendLine().AppendLine(i, $"Successful logins reported by the generator (held + load): {logins}; SessionCreated audit records in the store: {created}; audit records lost: {lost}");
        if (byRole is not null)
        {
            text.AppendLine(byRole);
        }

        string FirstLoginAfter(double? t)
        {
            var second = t is null ? null : report.Series.FirstOrDefault(p => p.Second > t && p.Logins > 0)?.Second;
            return second is null ? "none" : string.Create(i, $"within {second - t:F1} s");
        }

        var f = report.Resilience?.FaultAt;
        var errors = report.Series.Where(p => f is not null && p.Second > f && p.Errors > 0).Select(p => p.Second).ToList();
        var recover = report.Resilience?.RecoverAt is { } r ? FirstLoginAfter(r) : "no recovery command";
        var last = errors.Count == 0 ? "none after the fault" : string.Create(i, $"in the second ending {errors[^1] - f:F1} s after the fault");
        text.AppendLine(i, $"First completed login after the fault: {FirstLoginAfter(f)}; after the recovery command: {recover}; last error: {last} (1 s samples)");
        return text.ToString();
    }

    private static async Task<string> ScalarAsync(Npgsql.NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "?";
    }
}
