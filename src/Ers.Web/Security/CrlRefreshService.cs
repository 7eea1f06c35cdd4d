namespace Ers.Web.Security;

/// <summary>
/// Loads the card and workstation CRLs at start-up (before the API serves) and refreshes them every
/// <see cref="CardAuthenticationOptions.CrlRefreshInterval"/> or at the earliest nextUpdate, whichever is sooner.
/// </summary>
public sealed class CrlRefreshService(
    CardCrls cardCrls,
    WorkstationCrls workstationCrls,
    CardRevocations revocations,
    CardAuthenticationOptions options,
    TimeProvider time,
    ILogger<CrlRefreshService> logger,
    Ers.Grains.Telemetry.ErsMetrics? metrics = null) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshNowAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Refreshes every CRL now and revokes the cards whose certificates became revoked.</summary>
    public async Task RefreshNowAsync(CancellationToken cancellationToken = default)
    {
        var revoked = await cardCrls.Store.RefreshAsync(cancellationToken);
        if (cardCrls.Store.OldestThisUpdate is { } thisUpdate)
        {
            metrics?.CrlLoaded(thisUpdate); // ers.crl.age (telemetry)
        }
        await workstationCrls.Store.RefreshAsync(cancellationToken);
        await revocations.RevokeAsync(revoked);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var due = now + options.CrlRefreshInterval;
            foreach (var next in new[] { cardCrls.Store.EarliestNextUpdate, workstationCrls.Store.EarliestNextUpdate })
            {
                if (next is { } n && n > now && n < due)
                {
                    due = n;
                }
            }

            try
            {
                await Task.Delay(due - now, time, stoppingToken);
                await RefreshNowAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed refresh keeps the CRLs held; they fail closed once stale.
                logger.CrlRefreshFailed(e);
            }
        }
    }
}
