using Npgsql;

namespace Ers.Audit.Postgres;

/// <summary>
/// <c>ers audit verify [--connection CS]</c>: walks every writer's chain in <c>ers_audit.audit_chain</c> and recomputes
/// each link from its record (<see cref="AuditChain"/>, keyed with <c>Ers__Audit__ChainKey</c> when the hosts are), and
/// counts the records no link covers. Exit codes: 0 intact; 1 a broken link, a gap, a record stored since the chain
/// existed without a link, or the database unreachable; 2 wrong usage.
/// </summary>
public static class AuditVerifyCommand
{
    public const string Usage = "usage: ers audit verify [--connection <connection string>]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var connection = Environment.GetEnvironmentVariable("ConnectionStrings__Audit");
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--connection" && i + 1 < args.Count)
            {
                connection = args[++i];
            }
            else
            {
                await error.WriteLineAsync($"Unknown or incomplete argument '{args[i]}'.{Environment.NewLine}{Usage}");
                return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(connection))
        {
            await error.WriteLineAsync($"No connection string: pass --connection or set ConnectionStrings__Audit.{Environment.NewLine}{Usage}");
            return 2;
        }

        AuditChain chain;
        try
        {
            chain = AuditChain.FromSetting(Environment.GetEnvironmentVariable("Ers__Audit__ChainKey"));
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }

        try
        {
            await using var dataSource = PostgresAuditTrail.CreateDataSource(connection);
            var result = await new AuditTrailVerifier(dataSource, chain).VerifyAsync(cancellationToken);
            await (result.Intact ? output : error).WriteLineAsync(result.Describe(chain.Keyed));
            return result.Intact ? 0 : 1;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await error.WriteLineAsync($"Audit verification failed: {e.Message}");
            return 1;
        }
    }
}
