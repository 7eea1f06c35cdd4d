using Ers.Grains.Telemetry;
using Ers.Revocation;
using Microsoft.Extensions.Logging;

namespace Ers.Grains.Revocation;

/// <summary>
/// The cluster's one revocation owner. Reads the CRL sources when due (<see cref="CrlBook"/>), and when a CRL newly
/// revokes a card certificate, revokes the cards bound to it, or a workstation certificate, ends the sessions of the
/// workstations bound to it (<see cref="ICertificateGrain"/>); holds the persisted
/// list of certificates Ers revoked (<see cref="RevokeCertificatesAsync"/>); web nodes poll
/// <see cref="GetIfNewerAsync"/> each second and enforce the snapshot.
/// </summary>
public sealed class RevocationGrain(
    [PersistentState("revocation", ErsStorage.State)] IPersistentState<RevocationGrainState> state,
    RevocationSettings settings,
    CrlReader reader,
    ErsMetrics metrics,
    ILogger<RevocationGrain> logger) : Grain, IRevocationGrain
{
    // How often the schedule is looked at; each source is read only when it is due.
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private const int RevocationParallelism = 16;

    // When to read is operations, not a rule: it runs on the machine's clock, so a test that holds the rules' clock
    // still sees a republished CRL within seconds. What a CRL means (its nextUpdate, the stale window) is judged by
    // the web nodes on the rules' clock.
    private static readonly TimeProvider Schedule = TimeProvider.System;

    private readonly CrlBook _book = new();
    private RevocationSnapshot _snapshot = null!;
    private long _version;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = Schedule.GetUtcNow();
        foreach (var (kind, options, authorities) in settings.Kinds)
        {
            foreach (var source in options.CrlSources)
            {
                _book.Add(kind, source, options, authorities, now);
            }
        }

        if (state.State.RevokedByErs.Count > 0)
        {
            // A node may hold version 0 of an earlier activation without this list: start from the clock.
            _version = now.UtcTicks;
        }

        _snapshot = Publish(now);
        await RefreshAsync(force: true, cancellationToken);
        this.RegisterGrainTimer(ct => RefreshAsync(force: false, ct), new GrainTimerCreationOptions
        {
            DueTime = Tick,
            Period = Tick,
            KeepAlive = true,
        });
    }

    public Task<RevocationSnapshot?> GetIfNewerAsync(long knownVersion) =>
        Task.FromResult(_snapshot.Version == knownVersion ? null : _snapshot);

    public async Task<RevocationSnapshot> RefreshNowAsync()
    {
        await RefreshAsync(force: true, CancellationToken.None);
        return _snapshot;
    }

    public async Task<long> RevokeCertificatesAsync(IReadOnlyList<RevokedCertificate> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var held = state.State.RevokedByErs;
        var next = new List<RevokedCertificate>(held);
        if (ErsRevocations.Add(next, certificates))
        {
            // Persisted before it is published: a node never enforces a revocation the cluster could forget, and a
            // failed write leaves nothing behind that a retry would take for done.
            state.State.RevokedByErs = next;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                state.State.RevokedByErs = held;
                throw;
            }

            var now = Schedule.GetUtcNow();
            _version = Math.Max(_version + 1, now.UtcTicks);
            _snapshot = Publish(now);
            logger.CertificatesRevokedByErs(certificates.Count, _version);
        }

        return _snapshot.Version;
    }

    public Task RevokeCertificatesFromCertificateAsync(IReadOnlyList<RevokedCertificate> certificates) =>
        RevokeCertificatesAsync(certificates);

    public Task<IReadOnlyList<RevokedCertificate>> GetRevokedByErsAsync() =>
        Task.FromResult(_snapshot.RevokedByErs ?? []);

    private async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        var due = _book.Due(Schedule.GetUtcNow(), force);
        if (due.Count == 0)
        {
            return;
        }

        var reads = await Task.WhenAll(due.Select(async d => (d.Source, Read: await reader.ReadAsync(d.Source, d.Validators, d.Options, cancellationToken))));
        var now = Schedule.GetUtcNow();
        var changed = false;
        foreach (var (source, read) in reads)
        {
            var (sourceChanged, error, detail) = _book.Record(source, read, now);
            changed |= sourceChanged;
            if (error is not null)
            {
                metrics.CrlRefused(error); // ers.crl.refusals (telemetry)
                logger.CrlReadRefused(source, error, detail);
            }
        }

        if (changed)
        {
            // Compared for equality by the web nodes; monotonic within an activation, and a new activation starts
            // from the clock, so a node never mistakes a new snapshot for the one it holds.
            _version = Math.Max(_version + 1, now.UtcTicks);
        }

        _snapshot = Publish(now);
        if (changed)
        {
            logger.CrlsChanged(_version, _snapshot.CardCrls.Count, _snapshot.WorkstationCrls.Count);
            await RevokeNewlyRevokedAsync();
        }
    }

    private RevocationSnapshot Publish(DateTimeOffset now) =>
        _book.Snapshot(_version, now) with { RevokedByErs = [.. state.State.RevokedByErs] };

    private async Task RevokeNewlyRevokedAsync()
    {
        // Card certificates revoke their cards; workstation certificates end their workstation's sessions.
        var newly = CrlBook.TakeNewlyRevoked([.. _snapshot.CardCrls, .. _snapshot.WorkstationCrls], state.State.Processed);
        if (newly.Count == 0)
        {
            return;
        }

        var failed = new List<(string, string)>();
        foreach (var batch in newly.Chunk(RevocationParallelism))
        {
            // On the grain's own scheduler, a batch at a time: a CRL that revokes thousands at once stays bounded.
            var results = await Task.WhenAll(batch.Select(async certificate =>
            {
                var (issuer, serial) = certificate;
                try
                {
                    logger.CertificateRevoked(serial, issuer);
                    await GrainFactory.GetGrain<ICertificateGrain>($"{issuer}/{serial}").RevokeAsync();
                    return true;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    logger.CertificateRevocationFailed(e, serial);
                    return false;
                }
            }));
            failed.AddRange(batch.Where((_, i) => !results[i]));
        }

        foreach (var (issuer, serial) in failed)
        {
            // Not acted on: taken again at the next change (and, at latest, refused at the next agent call).
            state.State.Processed[issuer].Remove(serial);
        }

        await state.WriteStateAsync();
    }
}
