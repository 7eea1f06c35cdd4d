using Ers.Revocation;

namespace Ers.Web.Security;

/// <summary>
/// Keeps this node's CRL stores equal to the cluster's revocation snapshot: asks the revocation owner (a grain on
/// the silo side, src/Ers.Grains/Revocation/RevocationGrain.cs) every <see cref="CardAuthenticationOptions.RevocationPollInterval"/>
/// whether its version changed, and applies the snapshot when it did. Every node so enforces the same CRLs and the same
/// list of certificates Ers revoked, within a poll of their publication; the sessions of revoked cards are ended once,
/// by the silo, not here.
/// </summary>
public sealed class CrlRefreshService(
    IGrainFactory grains,
    CardCrls cardCrls,
    WorkstationCrls workstationCrls,
    CardAuthenticationOptions options,
    ILogger<CrlRefreshService> logger,
    Ers.Grains.Telemetry.ErsMetrics? metrics = null) : BackgroundService
{
    // At start-up the cluster may still be joining; logins fail closed (no CRL: revocation unknown) until then.
    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(30);

    private long _version = -1;

    /// <summary>The version of the snapshot applied here (-1 before the first).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Raised after a snapshot was applied (tests wait on it instead of sleeping).</summary>
    public event Action<RevocationSnapshot>? Applied;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(StartupWait);
        while (!wait.IsCancellationRequested)
        {
            try
            {
                await PollAsync();
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.CrlRefreshFailed(e);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// The operator's "refresh now" from this node: the revocation owner re-reads every source at once, and this node
    /// applies the result before returning (the other nodes within a poll).
    /// </summary>
    public async Task RefreshNowAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await grains.GetGrain<IRevocationGrain>(0).RefreshNowAsync().WaitAsync(cancellationToken);
        Apply(snapshot);
    }

    /// <summary>Fetches the snapshot if it changed and applies it.</summary>
    public async Task PollAsync()
    {
        if (await grains.GetGrain<IRevocationGrain>(0).GetIfNewerAsync(Version) is { } snapshot)
        {
            Apply(snapshot);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RevocationPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await PollAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The snapshot held stays; its CRLs fail closed once past their stale window.
                    logger.CrlRefreshFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Apply(RevocationSnapshot snapshot)
    {
        lock (this)
        {
            if (snapshot.Version == _version)
            {
                return;
            }

            // The certificates Ers revoked are card certificates: the card store refuses them as a CRL's entries.
            cardCrls.Store.Apply(snapshot.CardCrls, snapshot.RevokedByErs?.Select(r => new CertificateId(r.IssuerHash, r.SerialNumber)));
            workstationCrls.Store.Apply(snapshot.WorkstationCrls);
            Interlocked.Exchange(ref _version, snapshot.Version);
        }

        if (cardCrls.Store.OldestThisUpdate is { } thisUpdate)
        {
            metrics?.CrlLoaded(thisUpdate); // ers.crl.age (telemetry)
        }

        Applied?.Invoke(snapshot);
    }
}
