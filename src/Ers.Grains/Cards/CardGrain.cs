using Microsoft.Extensions.DependencyInjection;
using Ers.Audit;
using Ers.Cards;
using Ers.Grains.Audit;
using Ers.Grains.Telemetry;
using Ers.Sessions;

namespace Ers.Grains.Cards;

[GenerateSerializer, Alias("ers.CardState")]
public sealed class CardGrainState
{
    [Id(0)] public CardState State { get; set; }
    [Id(1)] public string? WorkstationId { get; set; }
    [Id(2)] public string? UserId { get; set; }
    [Id(3)] public string? SessionId { get; set; }
    [Id(4)] public DateTimeOffset? ChangedAt { get; set; }
    [Id(5)] public Dictionary<string, DateTimeOffset> ConsumedChallenges { get; set; } = [];
}

// Called around a login and at its end, idle in between (hours): it leaves memory soon after, and a later call
// reads its state back from storage. Only session grains stay in memory for a live session.
[CollectionAgeLimit(Minutes = 2)]
public sealed class CardGrain(
    [PersistentState("card", ErsStorage.State)] IPersistentState<CardGrainState> state,
    IAuditTrail auditTrail,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time,
    ErsMetrics metrics) : Grain, ICardGrain
{
    private const int MaxLiveChallenges = 64;

    private readonly Auditor _audit = new(auditTrail, time);

    private CardGrainState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public Task<CardSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task<Outcome<CardSnapshot>> InsertedAsync(string workstationId)
    {
        if (CardRules.CanUse(S.State) is { } refusal)
        {
            await _audit.RefusedAsync(refusal, r => r with { CardId = Id, WorkstationId = workstationId, UserId = S.UserId });
            return refusal;
        }

        // Insertion anywhere ends what the card carried: a card is in one reader at a time, and re-inserting it
        // must never revive an old session (PIN and role are asked again).
        await EndCarriedSessionAsync(SessionEndReason.CardRemoved);
        await _audit.RecordAsync(_audit.New(AuditEvent.CardInserted) with { CardId = Id, WorkstationId = workstationId });
        await SetAsync(CardState.Inserted, workstationId, S.UserId, sessionId: null);
        return Outcome<CardSnapshot>.Success(Snapshot());
    }

    public async Task<Outcome<SessionSnapshot>> StartSessionAsync(string workstationId, string userId, string sessionId)
    {
        var login = metrics.StartLogin();
        var outcome = await StartSessionCoreAsync(workstationId, userId, sessionId);
        login.Complete(outcome.Refusal?.Code);
        return outcome;
    }

    private async Task<Outcome<SessionSnapshot>> StartSessionCoreAsync(string workstationId, string userId, string sessionId)
    {
        if (CardRules.CanAuthenticate(S.State, S.WorkstationId, workstationId) is { } refusal)
        {
            await _audit.RefusedAsync(refusal, r => r with
            {
                CardId = Id,
                WorkstationId = workstationId,
                UserId = userId,
                SessionId = sessionId,
            });
            return refusal;
        }

        var previous = S.SessionId;
        var started = await GrainFactory.GetGrain<ISessionGrain>(sessionId).StartAsync(new SessionStart(userId, Id, workstationId));
        if (!started.IsSuccess)
        {
            return started;
        }

        await SetAsync(CardState.Authenticated, workstationId, userId, sessionId);
        if (previous is not null && previous != sessionId)
        {
            // One live session per card.
            await GrainFactory.GetGrain<ISessionGrain>(previous).EndAsync(SessionEndReason.Superseded);
        }

        return started;
    }

    public async Task<bool> ConsumeChallengeAsync(string challengeId, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        foreach (var id in S.ConsumedChallenges.Where(c => c.Value <= now).Select(c => c.Key).ToList())
        {
            S.ConsumedChallenges.Remove(id);
        }

        // A card answers a challenge per PIN entry; far more live ones than this means abuse: fail closed.
        if (S.ConsumedChallenges.ContainsKey(challengeId) || S.ConsumedChallenges.Count >= MaxLiveChallenges)
        {
            return false;
        }

        S.ConsumedChallenges[challengeId] = expiresAt;
        await state.WriteStateAsync();
        return true;
    }

    public async Task RemovedAsync(string workstationId)
    {
        if (S.State is CardState.Absent || S.WorkstationId != workstationId)
        {
            // A removal reported by a workstation the card is not in changes nothing.
            return;
        }

        await _audit.RecordAsync(_audit.New(AuditEvent.CardRemoved) with
        {
            CardId = Id,
            WorkstationId = workstationId,
            UserId = S.UserId,
            SessionId = S.SessionId,
        });
        await EndCarriedSessionAsync(SessionEndReason.CardRemoved);
        var keep = S.State is CardState.Revoked or CardState.Blocked ? S.State : CardState.Absent;
        await SetAsync(keep, workstationId: null, S.UserId, sessionId: null);
    }

    public async Task RevokeAsync()
    {
        if (S.State == CardState.Revoked)
        {
            return;
        }

        await _audit.RecordAsync(_audit.New(AuditEvent.CardRevoked) with { CardId = Id, UserId = S.UserId, SessionId = S.SessionId });
        await EndCarriedSessionAsync(SessionEndReason.Revoked);
        await SetAsync(CardState.Revoked, S.WorkstationId, S.UserId, sessionId: null);
    }

    public async Task BlockedAsync(string workstationId)
    {
        metrics.PinLockedOut();
        await _audit.RecordAsync(_audit.New(AuditEvent.CardBlocked, AuditOutcome.Failure, "card.pin-blocked") with
        {
            CardId = Id,
            WorkstationId = workstationId,
            UserId = S.UserId,
        });
        await EndCarriedSessionAsync(SessionEndReason.CardRemoved);
        if (S.State != CardState.Revoked)
        {
            await SetAsync(CardState.Blocked, workstationId, S.UserId, sessionId: null);
        }
    }

    public async Task SessionEndedAsync(string sessionId)
    {
        if (S.SessionId == sessionId)
        {
            var next = S.State == CardState.Authenticated ? CardState.Inserted : S.State;
            await SetAsync(next, S.WorkstationId, S.UserId, sessionId: null);
        }
    }

    private async Task EndCarriedSessionAsync(SessionEndReason reason)
    {
        if (S.SessionId is { } carried)
        {
            await GrainFactory.GetGrain<ISessionGrain>(carried).EndAsync(reason);
        }
    }

    private async Task SetAsync(CardState cardState, string? workstationId, string? userId, string? sessionId)
    {
        S.State = cardState;
        S.WorkstationId = workstationId;
        S.UserId = userId;
        S.SessionId = sessionId;
        S.ChangedAt = time.GetUtcNow();
        await state.WriteStateAsync();
    }

    private CardSnapshot Snapshot() => new(Id, S.State, S.WorkstationId, S.UserId, S.SessionId, S.ChangedAt);
}
