using System.Net;
using Ers.Testing.Hosts;
using Ers.Testing.Servers;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Ers.Web.Tests.Oidc;

/// <summary>
/// The production store: web nodes sharing one PostgreSQL database. Nodes that start together create the tables
/// once and register a configured application once (one advisory lock), and a node starting on existing tables
/// leaves them as they are.
/// </summary>
public sealed class OidcPostgresStoreTests
{
    [Fact]
    public async Task Web_nodes_starting_together_on_one_PostgreSQL_store_create_it_once_and_register_the_client_once()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var nodes = Enumerable.Range(0, 3).Select(i => Node(i, postgres.ConnectionString)).ToList();
        try
        {
            // Two at once, then a third on the tables they made.
            await Task.WhenAll(nodes.Take(2).Select(n => Task.Run(() => n.Services)));
            _ = nodes[2].Services;
            foreach (var node in nodes)
            {
                using var client = node.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
                using var discovery = await client.GetAsync("/.well-known/openid-configuration");
                Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
                // The client is known on every node: a wrong redirect URI is ID2043, not the unknown client's ID2052.
                var (_, challenge) = OidcHost.Pkce();
                using var refused = await client.GetAsync(OidcBrowser.AuthorizeUrl(challenge, redirectUri: "https://elsewhere.example.test/cb"));
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Contains("ID2043", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            await using var data = postgres.CreateDataSource();
            await using var count = data.CreateCommand("SELECT count(*) FROM \"OpenIddictApplications\" WHERE \"ClientId\" = 'sample-rp'");
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static ErsWebFactory Node(int index, string connectionString)
    {
        ErsWebFactory? node = null;
        node = new ErsWebFactory($"ers-oidc-pg-{index}")
        {
            Configure = settings => settings
                .Oidc(node!.PkiDirectory, node.DataDirectory, connectionString)
                .Set("Ers:Oidc:Clients:0:ClientId", OidcHost.ClientId)
                .Set("Ers:Oidc:Clients:0:RedirectUris:0", OidcHost.RedirectUri)
                .Set("Ers:Oidc:Clients:0:Scopes:0", "profile"),
        };
        return node;
    }
}
