using Npgsql;

namespace Ers.Audit.Postgres;

/// <summary>
/// <c>ers audit migrate [--connection CS] [--app-role ROLE]</c>: creates or upgrades the audit schema. The
/// connection string defaults to the <c>ConnectionStrings__Audit</c> environment variable, as the hosts read it.
/// Exit codes (the <c>ers</c> convention): 0 done, also when nothing was missing; 1 database unreachable or migration
/// failed; 2 wrong usage.
/// </summary>
public static class AuditMigrateCommand
{
    public const string Usage = "usage: ers audit migrate [--connection <connection string>] [--app-role <role>]";

    /// <summary>The <c>ers audit</c> command group: <c>migrate</c> is its one subcommand.</summary>
    public static async Task<int> RunGroupAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] != "migrate")
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        return await RunAsync([.. args.Skip(1)], output, error);
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        string? connection = Environment.GetEnvironmentVariable("ConnectionStrings__Audit");
        string? appRole = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--connection" when i + 1 < args.Count:
                    connection = args[++i];
                    break;
                case "--app-role" when i + 1 < args.Count:
                    appRole = args[++i];
                    break;
                default:
                    await error.WriteLineAsync($"Unknown or incomplete argument '{args[i]}'.{Environment.NewLine}{Usage}");
                    return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(connection))
        {
            await error.WriteLineAsync($"No connection string: pass --connection or set ConnectionStrings__Audit.{Environment.NewLine}{Usage}");
            return 2;
        }

        try
        {
            await using var dataSource = PostgresAuditTrail.CreateDataSource(connection);
            var result = await new AuditSchemaMigrator(dataSource).MigrateAsync(appRole, cancellationToken);
            await output.WriteLineAsync(result.Applied.Count == 0
                ? $"Audit schema is up to date (version {result.Version})."
                : $"Applied audit schema version(s) {string.Join(", ", result.Applied)}; now at version {result.Version}.");
            return 0;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or TimeoutException)
        {
            // The connection string may hold a password: print the failure, never the string.
            await error.WriteLineAsync($"Audit schema migration failed: {e.Message}");
            return 1;
        }
    }
}
