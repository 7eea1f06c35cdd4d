using System.Collections.Immutable;
using Ers.Audit;
using Ers.Grains.Audit;
using Ers.Grains.Sessions;
using Ers.SingleSignOn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ers.Grains.SingleSignOn;

/// <summary>
/// Tells the applications an ended session signed into, each once. The single activation per session is what makes it
/// once with any number of web nodes and silos; the state written after each round (and the deadline index entry while
/// anything is pending) is what makes it survive a silo's death. A silo killed between an application's 2xx and the
/// write sends that application the same logout again, with the same <c>jti</c> (<see cref="LogoutDelivery.TokenId"/>):
/// at least once, and one logout token identity per application and session, so an application can drop the repeat.
/// </summary>
public sealed partial class BackChannelLogoutGrain(
    [PersistentState("backchannel-logout", ErsStorage.State)] IPersistentState<BackChannelLogoutGrainState> state,
    IOptions<BackChannelLogoutOptions> options,
    LogoutTokens tokens,
    LogoutSender sender,
    IAuditTrail auditTrail,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time,
    ILogger<BackChannelLogoutGrain> logger) : Grain, IBackChannelLogoutGrain
{
    private readonly BackChannelLogoutRules _rules = new(options.Value);
    private readonly Auditor _audit = new(auditTrail, time);
    private IGrainTimer? _timer;

    private string Id => this.GetPrimaryKeyString();

    private ISessionDeadlineIndex Index => ServiceProvider.GetRequiredService<ISessionDeadlineIndex>();

    private DateTimeOffset? NextWake => BackChannelLogoutRules.NextWake(state.State.Deliveries);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (NextWake is not null)
        {
            await Index.ActiveHereAsync(BackChannelLogoutIndex.Key(Id));
            Arm();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        if (NextWake is { } next)
        {
            await Index.AtRestAsync(BackChannelLogoutIndex.Key(Id), next);
        }
    }

    public async Task DeliverAsync(BackChannelLogoutOrder order)
    {
        if (state.State.Order is not null)
        {
            return;
        }

        var deliveries = BackChannelLogoutRules.Plan(order, time.GetUtcNow());
        if (deliveries.IsEmpty)
        {
            DeactivateOnIdle();
            return;
        }

        state.State.Order = order;
        state.State.Deliveries = [.. deliveries];
        await state.WriteStateAsync();
        await Index.ActiveHereAsync(BackChannelLogoutIndex.Key(Id));
        Arm();
    }

    public Task<bool> WakeAsync() => Task.FromResult(NextWake is not null);

    // Interleaved with a round of attempts (which may wait seconds on an application), so it reads a copy.
    public Task<ImmutableArray<LogoutDelivery>> GetDeliveriesAsync() => Task.FromResult(state.State.Deliveries.ToImmutableArray());

    private void Arm()
    {
        var due = (NextWake ?? time.GetUtcNow()) - time.GetUtcNow();
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions
        {
            DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero,
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = true, // pending deliveries keep the activation (and its timer) in memory
        });
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await AttemptDueAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRoundFailed(e, Id);
        }

        if (NextWake is null)
        {
            await LeaveIndexAsync();
            DeactivateOnIdle();
        }
        else
        {
            Arm();
        }
    }

    private async Task AttemptDueAsync()
    {
        var order = state.State.Order!;
        // A delivery planned before deliveries had a jti of their own gets one now (written with this round).
        var due = BackChannelLogoutRules.Due(state.State.Deliveries, time.GetUtcNow())
            .Select(d => d.TokenId is null ? d with { TokenId = BackChannelLogoutRules.NewTokenId() } : d)
            .ToList();
        var attempts = await Task.WhenAll(due.Select(async d => (Before: d, Result: await AttemptAsync(order, d))));
        foreach (var (before, result) in attempts)
        {
            var after = _rules.After(before, result, order.EndedAt, time.GetUtcNow());
            if (after.State != LogoutDeliveryState.Pending && !await AuditedAsync(order, after))
            {
                // Not recorded, so not finished: the next attempt sends (and records) it again.
                after = after with { State = LogoutDeliveryState.Pending, NextAttemptAt = time.GetUtcNow() + _rules.RetryDelay(after.Attempts) };
            }

            if (after.State == LogoutDeliveryState.Pending)
            {
                LogAttemptFailed(before.ClientId, Id, after.Attempts, after.LastFailure);
            }

            state.State.Deliveries[state.State.Deliveries.FindIndex(d => d.ClientId == before.ClientId)] = after;
        }

        await state.WriteStateAsync();
    }

    private async Task<LogoutAttemptResult> AttemptAsync(BackChannelLogoutOrder order, LogoutDelivery delivery)
    {
        if (!tokens.CanSign)
        {
            return LogoutAttemptResult.Failed(null, $"no signing key ({BackChannelLogoutOptions.SigningKeyFilesKey})");
        }

        var application = order.Applications.Last(a => a.ClientId == delivery.ClientId);
        return await sender.SendAsync(delivery.BackChannelLogoutUri, tokens.Create(application, order.UserId, delivery.TokenId!));
    }

    private async Task<bool> AuditedAsync(BackChannelLogoutOrder order, LogoutDelivery delivery)
    {
        var delivered = delivery.State == LogoutDeliveryState.Delivered;
        var reason = delivered
            ? $"{delivery.ClientId} attempts={delivery.Attempts}"
            : $"{delivery.ClientId} attempts={delivery.Attempts}: {delivery.LastFailure}";
        try
        {
            await _audit.RecordAsync(_audit.New(
                delivered ? AuditEvent.BackChannelLogoutDelivered : AuditEvent.BackChannelLogoutFailed,
                delivered ? AuditOutcome.Success : AuditOutcome.Failure,
                reason) with { UserId = order.UserId, SessionId = Id });
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAuditFailed(e, delivery.ClientId, Id);
            return false;
        }
    }

    private async Task LeaveIndexAsync()
    {
        try
        {
            await Index.EndedAsync(BackChannelLogoutIndex.Key(Id));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A stale entry only makes the sweeper wake this grain once more; it answers "nothing pending".
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Back-channel logout to {ClientId} for session {SessionId} failed (attempt {Attempts}: {Failure}); tried again later")]
    private partial void LogAttemptFailed(string clientId, string sessionId, int attempts, string? failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A back-channel logout round for session {SessionId} failed; the next round tries again")]
    private partial void LogRoundFailed(Exception exception, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit record of the back-channel logout to {ClientId} for session {SessionId} could not be written; it is sent again")]
    private partial void LogAuditFailed(Exception exception, string clientId, string sessionId);
}
