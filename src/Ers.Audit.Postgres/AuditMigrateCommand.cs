using Npgsql;

namespace Ers.Audit.Postgres;

/// <summary>
/// <c>ers audit migrate [--connection CS] [--app-role ROLE]</c>: creates or upgrades the audit schema.
/// In a deployment two credentials exist (see k8s/README.md): <c>ConnectionStrings__AuditOwner</c>, the role that owns the
/// schema, which the migration connects with, and <c>ConnectionStrings__Audit</c>, the one the hosts write with, whose
/// user becomes the application role that may only read and append. Without <c>ConnectionStrings__AuditOwner</c> the
/// migration connects with <c>ConnectionStrings__Audit</c> (the single-credential local run) and grants nothing unless
/// <c>--app-role</c> is given.
/// Exit codes (the <c>ers</c> convention): 0 done, also when nothing was missing; 1 database unreachable or migration
/// failed; 2 wrong usage, also when the application role would be the owner (it could then drop the append-only trigger).
/// </summary>
public static class AuditMigrateCommand
{
    public const string Usage = "usage: ers audit migrate [--connection <connection string>] [--app-role <role>]";

    /// <summary>The <c>ers audit</c> command group: <c>migrate</c> and <c>verify</c> (<see cref="AuditVerifyCommand"/>).</summary>
    public static async Task<int> RunGroupAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error) =>
        args.Count > 0 && args[0] == "migrate" ? await RunAsync([.. args.Skip(1)], output, error)
        : args.Count > 0 && args[0] == "verify" ? await AuditVerifyCommand.RunAsync([.. args.Skip(1)], output, error)
        : await UsageAsync(error);

    private static async Task<int> UsageAsync(TextWriter error)
    {
        await error.WriteLineAsync($"{Usage}{Environment.NewLine}{AuditVerifyCommand.Usage}");
        return 2;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var owner = Environment.GetEnvironmentVariable("ConnectionStrings__AuditOwner");
        var application = Environment.GetEnvironmentVariable("ConnectionStrings__Audit");
        var connection = string.IsNullOrWhiteSpace(owner) ? application : owner;
        var appRole = string.IsNullOrWhiteSpace(owner) ? null : UserOf(application);
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

        if (appRole is not null && string.Equals(appRole, UserOf(connection), StringComparison.Ordinal))
        {
            await error.WriteLineAsync(
                $"The application role '{appRole}' is the role the migration connects with: the hosts must write with a role that does not own the audit table, or it could drop the append-only trigger.");
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
        catch (Exception e) when (e is NpgsqlException or ArgumentException or TimeoutException or InvalidOperationException)
        {
            // The connection string may hold a password: print the failure, never the string.
            await error.WriteLineAsync($"Audit schema migration failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>The user a connection string logs in as, or null when it names none.</summary>
    private static string? UserOf(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        try
        {
            var user = new NpgsqlConnectionStringBuilder(connectionString).Username;
            return string.IsNullOrWhiteSpace(user) ? null : user;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
