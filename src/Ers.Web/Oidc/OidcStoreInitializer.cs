using Ers.Oidc.Store;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Ers.Web.Oidc;

/// <summary>
/// Before the node serves: the provider's tables are created when missing and the configured applications registered,
/// under one advisory lock on PostgreSQL (<see cref="OidcSchema"/>), so web nodes starting together are safe.
/// </summary>
public sealed partial class OidcStoreInitializer(IServiceProvider services, IOptions<OidcOptions> options, ILogger<OidcStoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var oidc = options.Value;
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var created = await OidcSchema.EnsureAsync(scope.ServiceProvider.GetRequiredService<OidcDbContext>(), async () =>
        {
            foreach (var client in oidc.Clients)
            {
                await OidcClientRegistration.UpsertAsync(applications, client, cancellationToken);
            }
        }, cancellationToken);
        if (created)
        {
            LogTablesCreated(oidc.Store);
        }

        LogClientsRegistered(oidc.Clients.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenID Connect store: tables created ({Store})")]
    private partial void LogTablesCreated(OidcStoreKind store);

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenID Connect store: {Count} configured applications registered")]
    private partial void LogClientsRegistered(int count);
}
