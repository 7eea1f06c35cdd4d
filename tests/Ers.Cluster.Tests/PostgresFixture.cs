using Ers.Testing.Servers;
using Npgsql;

namespace Ers.Cluster.Tests;

/// <summary>One throwaway PostgreSQL for the audit-trail tests; each test gets its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    internal PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    /// <summary>A new empty database and a data source on it (short timeouts, as the hosts use).</summary>
    public async Task<NpgsqlDataSource> NewDatabaseAsync()
    {
        var name = "audit_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = Server.CreateDataSource())
        await using (var create = admin.CreateCommand($"CREATE DATABASE {name}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        return Ers.Audit.Postgres.PostgresAuditTrail.CreateDataSource(
            new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = name }.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
