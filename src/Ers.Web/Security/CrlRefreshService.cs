using Ers.Cards;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ers.Web.Security;

/// <summary>
/// Remembers which cards authenticated with which certificate on this node, so that a CRL refresh that revokes a
/// certificate ends those cards' sessions at once. (Any node also ends a session whose token names a revoked
/// certificate on the agent's next call: see the agent API.)
/// </summary>
public sealed class CardRevocations(IGrainFactory grains, CardAuthenticationOptions options, ILogger<CardRevocations> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<CertificateId, HashSet<string>> _cards = new();

    public void Remember(CertificateId certificate, string cardId)
    {
        if (_cards.Count >= options.ValidationCacheCapacity)
        {
            // Bounded like the validation cache; what is forgotten here is still caught through session tokens.
            _cards.Clear();
        }

        var cards = _cards.GetOrAdd(certificate, _ => []);
        lock (cards)
        {
            cards.Add(cardId);
        }
    }

    public async Task RevokeAsync(IReadOnlyList<CertificateId> revoked)
    {
        foreach (var certificate in revoked)
        {
            if (!_cards.TryRemove(certificate, out var cards))
            {
                continue;
            }

            string[] ids;
            lock (cards)
            {
                ids = [.. cards];
            }

            foreach (var cardId in ids)
            {
                logger.LogInformation("Certificate {Serial} revoked: revoking card {CardId}", certificate.SerialNumber, cardId);
                await grains.GetGrain<ICardGrain>(cardId).RevokeAsync();
            }
        }
    }
}

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
                logger.LogWarning(e, "CRL refresh failed");
            }
        }
    }
}

/// <summary>The smartcard CAs' CRLs (a distinct type so DI can tell the two stores apart).</summary>
public sealed record CardCrls(CrlStore Store);

/// <summary>The workstation CAs' CRLs.</summary>
public sealed record WorkstationCrls(CrlStore Store);
