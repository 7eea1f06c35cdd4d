using System.Security.Cryptography;
using Ers.Audit;
using Ers.Cards;
using Ers.Grains.Audit;
using Ers.Grains.Telemetry;
using Ers.Grains.Workstations;
using Ers.Sessions;
using Ers.SingleSignOn;
using Ers.Staff;
using Ers.Workstations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ers.Grains.Sessions;

public sealed class SessionGrain(
    [PersistentState("session", ErsStorage.State)] IPersistentState<SessionGrainState> state,
    IOptions<SessionOptions> options,
    IAuditTrail auditTrail,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time,
    ErsMetrics metrics,
    ClusterChanges clusterChanges) : Grain, ISessionGrain
{
    // Activity is written at most this often: a crash loses at most this much idle time, which only makes the
    // session expire sooner (the safe side), and page views do not each cost a storage write.
    private static readonly TimeSpan ActivityWriteInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ExpiryRetryDelay = TimeSpan.FromSeconds(5);

    private readonly SessionClock _clock = new(options.Value);
    private readonly Auditor _audit = new(auditTrail, time);
    private DateTimeOffset _persistedActivity;
    private IGrainTimer? _expiryTimer;
    private bool _logoutHandoverPending;

    // Whether the agent or the user has been heard since this activation: until then, a sweeper's wake holds the
    // session to the heartbeat deadline it rested with (WakeAtDeadlineAsync).
    private bool _heardSinceActivation;

    // Heartbeats are held in memory only: one every few seconds from every agent in the country must not each cost
    // a storage write. After a failover (a new activation) the agent gets one full timeout from now to show itself.
    private DateTimeOffset _lastHeartbeatAt = time.GetUtcNow();
    private readonly ActiveSession _activeSession = metrics.NewActiveSession();

    private SessionGrainState S => state.State;

    // Resolved when used (at activation, deactivation and end), not held: a held session costs no extra field.
    private ISessionDeadlineIndex DeadlineIndex => ServiceProvider.GetRequiredService<ISessionDeadlineIndex>();

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _persistedActivity = S.LastActivityAt;
        ShareText();
        if (IsLive)
        {
            // Once per activation, never per heartbeat: this silo now answers for the session. A fresh activation
            // grants its agent a full heartbeat window (_lastHeartbeatAt), so a failover or restart is not its fault.
            await DeadlineIndex.ActiveHereAsync(Id);
            ArmExpiryTimer();
        }
        else if (S.State == SessionState.Ended)
        {
            // Woken by a sweeper after it ended elsewhere, or an entry left by a failed removal: drop it, once the
            // applications it signed into are sure to be told (a repeated handover changes nothing).
            if (await HandOverLogoutAsync())
            {
                await DeadlineIndex.EndedAsync(Id);
            }
            else
            {
                // Still owed: registered here, so this silo's death or this activation's end wakes it again.
                await DeadlineIndex.ActiveHereAsync(Id);
            }
        }

        ActiveSessionMetric();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        var shuttingDown = reason.ReasonCode == DeactivationReasonCode.ShuttingDown;
        if (_logoutHandoverPending)
        {
            // Ended, but its applications not yet handed to their logout: the sweeper wakes it at once to try again.
            await DeadlineIndex.AtRestAsync(Id, time.GetUtcNow());
        }

        switch (SessionRest.OnDeactivate(IsLive, shuttingDown, DeadlineIndex.IsDurable))
        {
            case RestAction.Rest:
                // Handed over, not ended: the next call (the agent's heartbeat) or a sweeper at the deadline wakes it.
                await DeadlineIndex.AtRestAsync(Id, SessionRest.WakeAt(
                    _clock.NextExpiry(S.CreatedAt, S.LastActivityAt),
                    HeartbeatRule.NextCheck(HeartbeatDeadlineFrom, options.Value.HeartbeatTimeout)));
                break;
            case RestAction.EndServerStopped:
                await EndAtStopAsync();
                break;
        }

        _activeSession.Leave();
    }

    public async Task<Outcome<SessionSnapshot>> StartAsync(SessionStart start)
    {
        if (S.State != SessionState.None)
        {
            var refusal = new Refusal(RefusalCodes.SessionAlreadyStarted, "This session was started already.");
            await AuditRefusalAsync(refusal, start);
            return refusal;
        }

        var user = GrainFactory.GetGrain<IUserGrain>(start.UserId);
        var profile = await user.GetProfileAsync();
        if (RoleRules.CanStartSession(profile) is { } noSession)
        {
            await AuditRefusalAsync(noSession, start);
            return noSession;
        }

        var admission = await user.AdmitSessionAsync(Id, start.CardId);
        if (admission.Refusal is { } denied)
        {
            await AuditRefusalAsync(denied, start);
            return denied;
        }

        var now = time.GetUtcNow();
        try
        {
            // No unaudited session: the record is durable before the session exists.
            await _audit.RecordAsync(_audit.New(AuditEvent.SessionCreated) with
            {
                UserId = start.UserId,
                SessionId = Id,
                WorkstationId = start.WorkstationId,
                CardId = start.CardId,
            });
        }
        catch
        {
            await user.SessionEndedAsync(Id);
            throw;
        }

        S.State = SessionState.AwaitingRole;
        S.UserId = start.UserId;
        S.UserName = profile!.Name;
        S.CardId = start.CardId;
        S.WorkstationId = start.WorkstationId;
        S.AvailableRoles = [.. profile.RoleProfiles];
        S.CreatedAt = now;
        S.LastActivityAt = now;
        _lastHeartbeatAt = now;
        await state.WriteStateAsync();
        _persistedActivity = now;
        await DeadlineIndex.ActiveHereAsync(Id);

        await GrainFactory.GetGrain<IWorkstationGrain>(start.WorkstationId).SessionStartedAsync(Id);
        foreach (var other in admission.Value!.SessionsToEnd)
        {
            await GrainFactory.GetGrain<ISessionGrain>(other).EndAsync(SessionEndReason.Superseded);
        }

        if (RoleRules.AutomaticRole(profile) is { } only)
        {
            await ApplyRoleAsync(only);
        }

        ArmExpiryTimer();
        return Outcome<SessionSnapshot>.Success(Snapshot());
    }

    public async Task<SessionSnapshot?> GetAsync()
    {
        if (S.State == SessionState.None)
        {
            return null;
        }

        await ExpireIfDueAsync();
        return Snapshot();
    }

    public async Task<Outcome<SessionSnapshot>> SelectRoleAsync(string roleProfileId)
    {
        if (await EnsureLiveAsync() is { } notLive)
        {
            await AuditRefusalAsync(notLive);
            return notLive;
        }

        if (S.Role is not null)
        {
            // Changing role means authenticating again: a live session is never given another role.
            var refusal = new Refusal(RefusalCodes.RoleAlreadyChosen,
                "A role is already chosen for this session. To change role, remove your card and log in again.");
            await AuditRefusalAsync(refusal);
            return refusal;
        }

        var chosen = RoleRules.ChooseRole(UserFromState(), roleProfileId);
        if (chosen.Refusal is { } notHeld)
        {
            await AuditRefusalAsync(notHeld, roleProfileId: roleProfileId);
            return notHeld;
        }

        await ApplyRoleAsync(chosen.Value!);
        return Outcome<SessionSnapshot>.Success(Snapshot());
    }

    public async Task<Outcome<SessionSnapshot>> SelectBusinessFunctionAsync(string application, BusinessFunction function)
    {
        if (await EnsureLiveAsync() is { } notLive)
        {
            await AuditRefusalAsync(notLive);
            return notLive;
        }

        if (S.Role is null)
        {
            var refusal = new Refusal(RefusalCodes.RoleNotChosen, "Choose a role before a business function.");
            await AuditRefusalAsync(refusal);
            return refusal;
        }

        var chosen = RoleRules.ChooseFunction(S.Role, function);
        if (chosen.Refusal is { } notGranted)
        {
            await AuditRefusalAsync(notGranted, businessFunction: function.ToString());
            return notGranted;
        }

        await _audit.RecordAsync(WithSession(_audit.New(AuditEvent.BusinessFunctionChosen)) with
        {
            BusinessFunction = chosen.Value!.DisplayName,
        });
        S.BusinessFunctions[SharedText.Of(application)] = function;
        S.LastActivityAt = time.GetUtcNow();
        await WriteAsync();
        metrics.BusinessFunctionSelected(function);
        return Outcome<SessionSnapshot>.Success(Snapshot());
    }

    public async Task<Outcome<SessionDeadlines>> TouchAsync()
    {
        if (await EnsureLiveAsync() is { } notLive)
        {
            return notLive;
        }

        S.LastActivityAt = time.GetUtcNow();
        _heardSinceActivation = true;
        if (S.LastActivityAt - _persistedActivity >= ActivityWriteInterval)
        {
            await WriteAsync();
        }

        return Outcome<SessionDeadlines>.Success(_clock.Deadlines(S.CreatedAt, S.LastActivityAt));
    }

    public Task EndAsync(SessionEndReason reason) => IsLive ? EndNowAsync(reason) : Task.CompletedTask;

    public Task HeartbeatAsync()
    {
        // The timer is not moved: when it fires it finds the newer heartbeat and looks again at the new deadline.
        _lastHeartbeatAt = time.GetUtcNow();
        _heardSinceActivation = true;
        return Task.CompletedTask;
    }

    public async Task<bool> WakeAtDeadlineAsync(DateTimeOffset due)
    {
        // An expiry that passed ends it first; one still ahead means the deadline it rested with was its heartbeat's.
        await ExpireIfDueAsync();
        if (IsLive && SessionRest.HeartbeatFromAtWake(due, options.Value.HeartbeatTimeout, _heardSinceActivation) is { } restedFrom
            && restedFrom < _lastHeartbeatAt)
        {
            _lastHeartbeatAt = restedFrom;
            await CheckHeartbeatAsync();
        }

        return IsLive;
    }

    public async Task<HeartbeatAnswer> BeatAsync()
    {
        if (IsLive)
        {
            await HeartbeatAsync();
        }

        var timeout = options.Value.HeartbeatTimeout;
        return new HeartbeatAnswer(IsLive, S.EndReason, timeout, HeartbeatRule.Period(timeout), S.Role);
    }

    public async Task<bool> CheckHeartbeatAsync()
    {
        if (!IsLive || !SessionRest.MayDeclareAgentLost(clusterChanges.LocalSiloStopping) ||
            !HeartbeatRule.IsLost(HeartbeatDeadlineFrom, time.GetUtcNow(), options.Value.HeartbeatTimeout))
        {
            return false;
        }

        await _audit.RecordAsync(WithSession(_audit.New(AuditEvent.Refused, AuditOutcome.Failure, "workstation.agent-lost")));
        metrics.HeartbeatLost();
        await EndNowAsync(SessionEndReason.AgentLost);
        GrainFactory.GetGrain<IWorkstationGrain>(S.WorkstationId).AgentLostAsync().Ignore();
        return true;
    }

    public async Task<Outcome<BrowserTicket>> IssueBrowserTicketAsync()
    {
        if (await EnsureLiveAsync() is { } notLive)
        {
            await AuditRefusalAsync(notLive);
            return notLive;
        }

        // A session still awaiting its role may be given a ticket: the browser it opens shows the role page, where
        // the role is chosen as CIS2 does (an agent running as a user service has no terminal to ask in).
        // A new ticket replaces any earlier one: only the latest link the agent opened can log a browser in.
        S.TicketId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        S.TicketExpiresAt = time.GetUtcNow() + options.Value.BrowserTicketLifetime;
        S.TicketRedeemed = false;
        await WriteAsync();
        return Outcome<BrowserTicket>.Success(new BrowserTicket(S.TicketId, S.TicketExpiresAt.Value));
    }

    public async Task<Outcome<SessionSnapshot>> CheckBrowserTicketAsync(string ticketId)
    {
        if (await TicketRefusalAsync(ticketId) is { } refusal)
        {
            await AuditRefusalAsync(refusal);
            return refusal;
        }

        return Outcome<SessionSnapshot>.Success(Snapshot());
    }

    public async Task<Outcome<SessionSnapshot>> RedeemBrowserTicketAsync(string ticketId)
    {
        if (await TicketRefusalAsync(ticketId) is { } refusal)
        {
            await AuditRefusalAsync(refusal);
            return refusal;
        }

        S.TicketRedeemed = true;
        S.LastActivityAt = time.GetUtcNow();
        await WriteAsync();
        return Outcome<SessionSnapshot>.Success(Snapshot());
    }

    private async Task<Refusal?> TicketRefusalAsync(string ticketId)
    {
        if (await EnsureLiveAsync() is { } ended)
        {
            return ended;
        }

        var known = S.TicketId is not null &&
            CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(S.TicketId), System.Text.Encoding.ASCII.GetBytes(ticketId));
        return !known ? new Refusal(RefusalCodes.TicketUnknown, "This login link is not valid. Insert your card again.")
            : S.TicketRedeemed ? new Refusal(RefusalCodes.TicketUsed, "This login link was used already. Insert your card again.")
            : time.GetUtcNow() >= S.TicketExpiresAt ? new Refusal(RefusalCodes.TicketExpired, "This login link has expired. Insert your card again.")
            : null;
    }

    private bool IsLive => S.State is SessionState.AwaitingRole or SessionState.Active;

    // A cluster change counts as a heartbeat: heartbeats lost while silos came and went were our failure, not the agent's.
    private DateTimeOffset HeartbeatDeadlineFrom =>
        clusterChanges.LastChange > _lastHeartbeatAt ? clusterChanges.LastChange : _lastHeartbeatAt;

    private async Task<Refusal?> EnsureLiveAsync()
    {
        if (S.State == SessionState.None)
        {
            return new Refusal(RefusalCodes.SessionUnknown, "This session does not exist. Insert your card to log in.");
        }

        await ExpireIfDueAsync();
        return IsLive ? null : new Refusal(RefusalCodes.SessionEnded, $"Your session has ended: {SessionEndReasons.Describe(S.EndReason)}.");
    }

    private async Task ExpireIfDueAsync()
    {
        if (IsLive && _clock.ExpiredReason(S.CreatedAt, S.LastActivityAt, time.GetUtcNow()) is { } reason)
        {
            await EndNowAsync(reason);
        }
    }

    private async Task ApplyRoleAsync(RoleProfile role)
    {
        await _audit.RecordAsync(WithRole(_audit.New(AuditEvent.RoleChosen), role));
        // The one function a role grants is chosen without asking, and audited exactly as a chosen one (issue 14: a
        // one-function login had no business function in its audit), before the state that applies it.
        var automatic = RoleRules.AutomaticFunction(role) is { } function ? RoleRules.ChooseFunction(role, function).Value : null;
        if (automatic is not null)
        {
            await _audit.RecordAsync(WithRole(_audit.New(AuditEvent.BusinessFunctionChosen), role) with { BusinessFunction = automatic.DisplayName });
        }

        S.Role = SharedText.Of(role);
        S.State = SessionState.Active;
        // A role is chosen once, so the list to choose from is not needed again: a live session carries only its role
        // (less memory per resident session, smaller stored state).
        S.AvailableRoles = [];
        if (automatic is not null)
        {
            S.BusinessFunctions[BusinessFunctions.ReferralsApplication] = automatic.Function;
        }

        S.LastActivityAt = time.GetUtcNow();
        await WriteAsync();
        metrics.RoleSelected(role);
        if (automatic is not null)
        {
            metrics.BusinessFunctionSelected(automatic.Function);
        }

        ActiveSessionMetric();
        await GrainFactory.GetGrain<IUserGrain>(S.UserId).RoleChosenAsync(role.RoleProfileId);
    }

    private async Task EndNowAsync(SessionEndReason reason)
    {
        await _audit.RecordAsync(WithSession(_audit.New(AuditEvent.SessionEnded, reason: SessionEndReasons.Code(reason))));
        S.State = SessionState.Ended;
        S.EndReason = reason;
        S.EndedAt = time.GetUtcNow();
        S.TicketId = null;
        await WriteAsync();
        metrics.SessionEnded(reason);
        ActiveSessionMetric();
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        SessionEndNotifier.Publish(GrainFactory, Id, reason, S.EndedAt.Value);
        if (await HandOverLogoutAsync())
        {
            await LeaveIndexAsync();
        }

        await GrainFactory.GetGrain<IUserGrain>(S.UserId).SessionEndedAsync(Id);
        await GrainFactory.GetGrain<ICardGrain>(S.CardId).SessionEndedAsync(Id);
        await GrainFactory.GetGrain<IWorkstationGrain>(S.WorkstationId).SessionEndedAsync(Id);
    }

    /// <summary>
    /// A graceful stop of a process whose state dies with it (the embedded run): the one end record, and nothing that
    /// needs another grain (new activations are refused while the silo stops, and their memory state dies too).
    /// </summary>
    private async Task EndAtStopAsync()
    {
        const SessionEndReason reason = SessionEndReason.ServerStopped;
        await _audit.RecordAsync(WithSession(_audit.New(AuditEvent.SessionEnded, reason: SessionEndReasons.Code(reason))));
        S.State = SessionState.Ended;
        S.EndReason = reason;
        S.EndedAt = time.GetUtcNow();
        S.TicketId = null;
        metrics.SessionEnded(reason);
        ActiveSessionMetric();
        SessionEndNotifier.Publish(GrainFactory, Id, reason, S.EndedAt.Value);
    }

    public async Task<bool> ApplicationSignedInAsync(SignedInApplication application)
    {
        if (await EnsureLiveAsync() is not null)
        {
            return false;
        }

        var index = S.Applications.FindIndex(a => a.ClientId == application.ClientId);
        if (index >= 0 && S.Applications[index] == application)
        {
            return true;
        }

        if (index >= 0)
        {
            S.Applications[index] = application;
        }
        else
        {
            S.Applications.Add(application);
        }

        await WriteAsync();
        return true;
    }

    /// <summary>
    /// Hands an ended session's applications to its back-channel logout grain; false when that failed (the index entry
    /// is then kept, so a sweeper wakes the session to try again).
    /// </summary>
    private async Task<bool> HandOverLogoutAsync()
    {
        if (S.Applications.Count == 0 || S.EndReason is not { } reason || S.EndedAt is not { } endedAt)
        {
            return true;
        }

        try
        {
            await GrainFactory.GetGrain<IBackChannelLogoutGrain>(Id).DeliverAsync(new BackChannelLogoutOrder(S.UserId, [.. S.Applications], reason, endedAt));
            _logoutHandoverPending = false;
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logoutHandoverPending = true;
            return false;
        }
    }

    private async Task LeaveIndexAsync()
    {
        try
        {
            await DeadlineIndex.EndedAsync(Id);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The end is recorded and stored already; a stale index entry only makes a sweeper wake this ended session
            // once, and its activation removes the entry.
        }
    }

    private void ArmExpiryTimer(TimeSpan notBefore = default)
    {
        // One timer per session covers its idle and absolute timeouts and its agent's heartbeat deadline.
        var expiry = _clock.NextExpiry(S.CreatedAt, S.LastActivityAt);
        var heartbeat = HeartbeatRule.NextCheck(HeartbeatDeadlineFrom, options.Value.HeartbeatTimeout);
        var due = (heartbeat < expiry ? heartbeat : expiry) - time.GetUtcNow();
        due = due > notBefore ? due : notBefore;
        _expiryTimer?.Dispose();
        _expiryTimer = this.RegisterGrainTimer(OnExpiryTimerAsync, new GrainTimerCreationOptions
        {
            DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero,
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = true,
        });
    }

    private async Task OnExpiryTimerAsync(CancellationToken cancellationToken)
    {
        var retryAfter = TimeSpan.Zero;
        try
        {
            await ExpireIfDueAsync();
            await CheckHeartbeatAsync();
        }
        catch
        {
            // The end could not be recorded (audit or state store down): the session must still end, so try again
            // shortly rather than lose the only timer this session has.
            retryAfter = ExpiryRetryDelay;
            throw;
        }
        finally
        {
            if (IsLive)
            {
                // Activity or a heartbeat moved the deadline since the timer was set: look again at the new one.
                ArmExpiryTimer(retryAfter);
            }
        }
    }

    /// <summary>Keeps this activation's share of <c>ers.sessions.active</c> in step with the state.</summary>
    private void ActiveSessionMetric()
    {
        if (S.State == SessionState.Active && S.Role is not null)
        {
            _activeSession.Enter(S.Role);
        }
        else
        {
            _activeSession.Leave();
        }
    }

    /// <summary>A state read from storage shares the text many sessions hold alike (SharedText), not its own copies.</summary>
    private void ShareText()
    {
        if (S.Role is { } role)
        {
            S.Role = SharedText.Of(role);
        }

        if (S.BusinessFunctions.Count > 0)
        {
            S.BusinessFunctions = SharedText.Of(S.BusinessFunctions);
        }
    }

    private async Task WriteAsync()
    {
        await state.WriteStateAsync();
        _persistedActivity = S.LastActivityAt;
    }

    private StaffUser UserFromState() => new(S.UserId, S.UserName, S.AvailableRoles);

    private SessionSnapshot Snapshot()
    {
        var deadlines = _clock.Deadlines(S.CreatedAt, S.LastActivityAt);
        return new SessionSnapshot(
            Id, S.State, S.UserId, S.UserName, S.CardId, S.WorkstationId, S.Role,
            new Dictionary<string, BusinessFunction>(S.BusinessFunctions),
            S.CreatedAt, S.LastActivityAt, deadlines.IdleExpiresAt, deadlines.AbsoluteExpiresAt,
            S.EndReason, S.EndedAt, S.AvailableRoles.ToList(), IsLive ? _lastHeartbeatAt : null);
    }

    private AuditRecord WithSession(AuditRecord record) => record with
    {
        UserId = S.UserId,
        SessionId = Id,
        WorkstationId = S.WorkstationId,
        CardId = S.CardId,
        RoleProfileId = S.Role?.RoleProfileId,
        OdsCode = S.Role?.OdsCode,
    };

    /// <summary>The session's record for a role being applied (not yet in the state).</summary>
    private AuditRecord WithRole(AuditRecord record, RoleProfile role) =>
        WithSession(record) with { RoleProfileId = role.RoleProfileId, OdsCode = role.OdsCode };

    private Task AuditRefusalAsync(Refusal refusal, SessionStart? start = null, string? roleProfileId = null, string? businessFunction = null) =>
        _audit.RefusedAsync(refusal, r => (start is null ? WithSession(r) : r with
        {
            UserId = start.UserId,
            SessionId = Id,
            WorkstationId = start.WorkstationId,
            CardId = start.CardId,
        }) with
        {
            RoleProfileId = roleProfileId ?? (start is null ? S.Role?.RoleProfileId : null),
            BusinessFunction = businessFunction,
        });
}
