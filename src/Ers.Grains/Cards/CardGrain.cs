using Ers.Audit;
using Ers.Cards;
using Ers.Grains.Audit;
using Ers.Grains.Revocation;
using Ers.Grains.Telemetry;
using Ers.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ers.Grains.Cards;

// Called around a login and at its end, idle in between (hours): it leaves memory soon after, and a later call
// reads its state back from storage. Only session grains stay in memory for a live session.
[CollectionAgeLimit(Minutes = 2)]
public sealed class CardGrain(
    [PersistentState("card", ErsStorage.State)] IPersistentState<CardGrainState> state,
    IAuditTrail auditTrail,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time,
    IOptions<SessionOptions> options,
    ErsMetrics metrics) : Grain, ICardGrain
{
    // A card logs in with one certificate until it is renewed; a few renewals are remembered, so a revocation
    // reaches a certificate still valid from before.
    private const int MaxCertificates = 4;

    // A few workstations at once at most (a card is in one reader); more are evicted oldest first, so a hostile
    // workstation's reports cannot grow the state. Long enough for any challenge lifetime a deployment sets.
    private const int MaxReportsElsewhere = 8;
    private static readonly TimeSpan ReportElsewhereWindow = TimeSpan.FromMinutes(5);

    private readonly Auditor _audit = new(auditTrail, time);

    private CardGrainState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public Task<CardSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task<Outcome<CardSnapshot>> InsertedAsync(string workstationId) =>
        await InsertedCoreAsync(workstationId, issueChallenge: null) is { } refusal ? refusal : Outcome<CardSnapshot>.Success(Snapshot());

    public async Task<Outcome<CardPresented>> PresentedAsync(string workstationId, CardKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var challenge = default(LoginChallenge);
        var refusal = await InsertedCoreAsync(workstationId, () => challenge = LoginChallengeRules.Issue(
            S.Challenges, workstationId, key, time.GetUtcNow(), options.Value.ChallengeLifetime));
        return refusal ?? Outcome<CardPresented>.Success(new CardPresented(Snapshot(), challenge!));
    }

    /// <summary>
    /// The card is in a reader of <paramref name="workstationId"/>. <paramref name="issueChallenge"/>, when given, issues the
    /// login challenge into the state before the one write this makes. Returns the refusal of an unusable card.
    /// </summary>
    private async Task<Refusal?> InsertedCoreAsync(string workstationId, Action? issueChallenge)
    {
        if (CardRules.CanUse(S.State) is { } refusal)
        {
            await _audit.RefusedAsync(refusal, r => r with { CardId = Id, WorkstationId = workstationId, UserId = S.UserId });
            return refusal;
        }

        issueChallenge?.Invoke();
        if (CardRules.IsHeldElsewhere(S.State, S.WorkstationId, workstationId))
        {
            // Only a certificate was shown, and a certificate is public: the card stays where it is, and its session
            // there goes on, until the card signs a challenge at this workstation.
            await _audit.RecordAsync(_audit.New(AuditEvent.CardInserted, reason: "card.held-elsewhere") with
            {
                CardId = Id,
                WorkstationId = workstationId,
                UserId = S.UserId,
            });
            await ReportElsewhereAsync(workstationId);
            return null;
        }

        // Insertion where the card is held (or a card held nowhere) ends what the card carried: a card is in one
        // reader at a time, and re-inserting it must never revive an old session (PIN and role are asked again).
        await EndCarriedSessionAsync(SessionEndReason.CardRemoved);
        await _audit.RecordAsync(_audit.New(AuditEvent.CardInserted) with { CardId = Id, WorkstationId = workstationId });
        S.ReportedElsewhere.Remove(workstationId);
        await SetAsync(CardState.Inserted, workstationId, S.UserId, sessionId: null);
        return null;
    }

    public async Task<Outcome<SessionSnapshot>> AuthenticateAsync(CardLogin login)
    {
        ArgumentNullException.ThrowIfNull(login);
        var timer = metrics.StartLogin();
        var outcome = await AuthenticateCoreAsync(login);
        timer.Complete(outcome.Refusal?.Code);
        return outcome;
    }

    private async Task<Outcome<SessionSnapshot>> AuthenticateCoreAsync(CardLogin login)
    {
        var now = time.GetUtcNow();
        var challengeId = login.ChallengeId ?? "";
        S.Challenges.TryGetValue(challengeId, out var issued);
        var consumed = S.ConsumedChallenges.TryGetValue(challengeId, out var until) && until > now;
        var refusal = LoginChallengeRules.CanAnswer(issued, consumed, login.WorkstationId, now);
        if (refusal is null)
        {
            // Rebuilt here from what the silo knows: the card, the challenge it issued, the answering workstation.
            var statement = LoginChallengeRules.Statement(login.Origin, login.WorkstationId, Id, challengeId, issued!);
            refusal = statement is null || !CardSignatures.Verify(issued!.Key, statement, login.Signature)
                ? LoginChallengeRules.SignatureInvalid
                : null;
        }

        if (refusal is not null)
        {
            await _audit.RefusedAsync(refusal, r => r with { CardId = Id, WorkstationId = login.WorkstationId, UserId = issued?.Key.UserId });
            return refusal;
        }

        // Used from here on, whatever the session's answer; the session id is the silo's. One state write: the start's
        // own, or the one below when the start is refused. (A silo lost before either leaves the challenge unused in
        // storage; an answer to it is still bound to this workstation, this card's key and the challenge's lifetime.)
        LoginChallengeRules.Consume(S.Challenges, S.ConsumedChallenges, challengeId, now);
        var sessionId = Guid.NewGuid().ToString("D");
        var started = await StartSessionCoreAsync(login.WorkstationId, issued!.Key.UserId, sessionId);
        if (!started.IsSuccess)
        {
            await state.WriteStateAsync();
        }

        return started;
    }

    private async Task<Outcome<SessionSnapshot>> StartSessionCoreAsync(string workstationId, string userId, string sessionId)
    {
        var reportedThere = S.ReportedElsewhere.TryGetValue(workstationId, out var until) && until > time.GetUtcNow();
        if (CardRules.CanAuthenticate(S.State, S.WorkstationId, workstationId, reportedThere) is { } refusal)
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

        // A card that signed at a workstation which had only reported it is there now: the takeover happens here,
        // after the proof, never at the report.
        S.ReportedElsewhere.Remove(workstationId);
        await SetAsync(CardState.Authenticated, workstationId, userId, sessionId);
        if (previous is not null && previous != sessionId)
        {
            // One live session per card.
            await GrainFactory.GetGrain<ISessionGrain>(previous).EndAsync(SessionEndReason.Superseded);
        }

        return started;
    }

    public async Task<Outcome<CardSnapshot>> RemovedAsync(string workstationId)
    {
        if (S.WorkstationId != workstationId && S.ReportedElsewhere.Remove(workstationId))
        {
            // The workstation withdraws its own report; the card's holder and session are not its to touch.
            await _audit.RecordAsync(_audit.New(AuditEvent.CardRemoved, reason: "card.held-elsewhere") with
            {
                CardId = Id,
                WorkstationId = workstationId,
                UserId = S.UserId,
            });
            await state.WriteStateAsync();
            return Outcome<CardSnapshot>.Success(Snapshot());
        }

        if (await RefuseReportAsync(workstationId) is { } refusal)
        {
            return refusal;
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
        return Outcome<CardSnapshot>.Success(Snapshot());
    }

    public Task RevokeAsync() => RevokeAsync(null);

    private async Task RevokeAsync(CardRevocation? byRa)
    {
        if (S.State == CardState.Revoked)
        {
            return;
        }

        // An RA's revoke names the holder as its subject in the RA's organisation, so the RA's search finds it.
        await _audit.RecordAsync(_audit.New(AuditEvent.CardRevoked) with
        {
            CardId = Id,
            UserId = S.UserId,
            SessionId = S.SessionId,
            SubjectUserId = byRa is null ? null : S.UserId,
            SubjectOdsCode = byRa?.OdsCode,
        });
        await EndCarriedSessionAsync(SessionEndReason.Revoked);
        await SetAsync(CardState.Revoked, S.WorkstationId, S.UserId, sessionId: null);
    }

    public async Task<RevokedCard> RevokeByRaAsync(CardRevocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        if (S.Revocation is null)
        {
            // Kept before the session ends: a certificate bound from now on is published with this revocation.
            S.Revocation = revocation;
            await state.WriteStateAsync();
        }

        await RevokeAsync(revocation);
        return new RevokedCard(Snapshot(), [.. S.Certificates]);
    }

    public Task<IReadOnlyList<CardCertificate>> GetCertificatesAsync() =>
        Task.FromResult<IReadOnlyList<CardCertificate>>([.. S.Certificates]);

    public async Task<CardRevocation?> CertificateUsedAsync(string issuerHash, string serialNumber)
    {
        if (ErsRevocations.Remember(S.Certificates, issuerHash, serialNumber, time.GetUtcNow(), MaxCertificates))
        {
            await state.WriteStateAsync();
        }

        return S.Revocation;
    }

    public async Task<Outcome<CardSnapshot>> BlockedAsync(string workstationId)
    {
        if (await RefuseReportAsync(workstationId) is { } refusal)
        {
            return refusal;
        }

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

        return Outcome<CardSnapshot>.Success(Snapshot());
    }

    public async Task<Outcome<UnblockOrder>> AuthorizeUnblockAsync(string raUserId, string raRoleProfileId, string workstationId, string? raOdsCode = null)
    {
        if (UnblockRules.CanAuthorize(S.State, workstationId) is { } refusal)
        {
            await _audit.RefusedAsync(refusal, r => r with
            {
                CardId = Id,
                WorkstationId = workstationId,
                UserId = raUserId,
                RoleProfileId = raRoleProfileId,
            });
            return refusal;
        }

        var now = time.GetUtcNow();
        var order = new UnblockOrder(Guid.NewGuid().ToString("N"), workstationId, raUserId, raRoleProfileId, now, now + UnblockRules.Lifetime, raOdsCode);
        await _audit.RecordAsync(_audit.New(AuditEvent.CardUnblockAuthorized, reason: "order " + order.OrderId) with
        {
            CardId = Id,
            WorkstationId = workstationId,
            UserId = raUserId,
            RoleProfileId = raRoleProfileId,
            OdsCode = raOdsCode,
            SubjectUserId = S.UserId, // the card holder the RA acted for, so a search by the holder finds it
            SubjectOdsCode = S.UserId is null ? null : raOdsCode,
        });
        S.UnblockOrder = order;
        await state.WriteStateAsync();
        return Outcome<UnblockOrder>.Success(order);
    }

    public async Task<Outcome<CardSnapshot>> UnblockReportedAsync(string workstationId, UnblockResult result)
    {
        var now = time.GetUtcNow();
        var reportedThere = S.ReportedElsewhere.TryGetValue(workstationId, out var until) && until > now;
        if (UnblockRules.CanReport(S.UnblockOrder, now, S.State, S.WorkstationId, workstationId, reportedThere) is { } refusal)
        {
            await _audit.RefusedAsync(refusal, r => r with { CardId = Id, WorkstationId = workstationId, UserId = S.UserId });
            return refusal;
        }

        var order = S.UnblockOrder!;
        if (result != UnblockResult.Unblocked)
        {
            // The card refused the PUK: it is still blocked, and the RA's order stands until it expires.
            await _audit.RecordAsync(_audit.New(AuditEvent.CardUnblocked, AuditOutcome.Failure,
                result == UnblockResult.PukBlocked ? "card.puk-blocked" : "card.puk-wrong") with
            {
                CardId = Id,
                WorkstationId = workstationId,
                UserId = S.UserId,
                SubjectUserId = S.UserId,
                SubjectOdsCode = order.RaOdsCode,
            });
            return Outcome<CardSnapshot>.Success(Snapshot());
        }

        // The holder is the subject in the ordering RA's organisation, so that RA's search finds the unblock.
        await _audit.RecordAsync(_audit.New(AuditEvent.CardUnblocked, reason: "order " + order.OrderId) with
        {
            CardId = Id,
            WorkstationId = workstationId,
            UserId = S.UserId,
            SubjectUserId = S.UserId,
            SubjectOdsCode = order.RaOdsCode,
        });
        // The order is used up; the card is in this workstation's reader, usable, and logs in with its new PIN.
        S.UnblockOrder = null;
        S.ReportedElsewhere.Remove(workstationId);
        await EndCarriedSessionAsync(SessionEndReason.CardRemoved);
        await SetAsync(CardState.Inserted, workstationId, S.UserId, sessionId: null);
        return Outcome<CardSnapshot>.Success(Snapshot());
    }

    public async Task SessionEndedAsync(string sessionId)
    {
        if (S.SessionId == sessionId)
        {
            var next = S.State == CardState.Authenticated ? CardState.Inserted : S.State;
            await SetAsync(next, S.WorkstationId, S.UserId, sessionId: null);
        }
    }

    /// <summary>Refuses (and audits) a removal or block reported by a workstation that does not hold the card.</summary>
    private async Task<Refusal?> RefuseReportAsync(string workstationId)
    {
        if (CardRules.CanReport(S.State, S.WorkstationId, workstationId) is not { } refusal)
        {
            return null;
        }

        await _audit.RefusedAsync(refusal, r => r with { CardId = Id, WorkstationId = workstationId, UserId = S.UserId });
        return refusal;
    }

    private async Task ReportElsewhereAsync(string workstationId)
    {
        var now = time.GetUtcNow();
        foreach (var stale in S.ReportedElsewhere.Where(r => r.Value <= now).Select(r => r.Key).ToList())
        {
            S.ReportedElsewhere.Remove(stale);
        }

        while (S.ReportedElsewhere.Count >= MaxReportsElsewhere && !S.ReportedElsewhere.ContainsKey(workstationId))
        {
            S.ReportedElsewhere.Remove(S.ReportedElsewhere.MinBy(r => r.Value).Key);
        }

        S.ReportedElsewhere[workstationId] = now + ReportElsewhereWindow;
        await state.WriteStateAsync();
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

    private CardSnapshot Snapshot() =>
        new(Id, S.State, S.WorkstationId, S.UserId, S.SessionId, S.ChangedAt, UnblockRules.Open(S.UnblockOrder, time.GetUtcNow()),
            S.Revocation);
}
