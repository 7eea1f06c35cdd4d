using Ers.Audit;
using Ers.Cards;
using Ers.Grains.Audit;
using Ers.Grains.Revocation;
using Ers.Grains.Staff;
using Ers.RegistrationAuthority;
using Ers.Revocation;
using Ers.Sessions;
using Ers.Staff;
using Ers.Workstations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ers.Grains.RegistrationAuthority;

// No state of its own: who acts is read from the RA's session on every call, and what it acts on is owned by the
// card, session, user and workstation grains. The decisions are RaRules'.
[CollectionAgeLimit(Minutes = 2)]
public sealed class RegistrationAuthorityGrain(
    IAuditTrail auditTrail,
    IOptions<RaOptions> options,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time) : Grain, IRegistrationAuthorityGrain
{
    // Ids that arrive from a caller are looked up only when they could be real, so junk never activates a grain.
    private const int MaxIdLength = 128;

    // An RA's import is a batch of its organisation's changes, not a national file (that is the start-up import).
    private const int MaxDirectoryChars = 1024 * 1024;

    private const int MaxFound = 50;

    private readonly Auditor _audit = new(auditTrail, time);

    public async Task<Outcome<RaContext>> GetContextAsync()
    {
        // Asked by pages to decide where a session belongs: a session that is not an RA's is an answer, not an attempt.
        var (ra, refusal) = await ActorAsync(auditRefusal: false);
        return refusal is null ? Outcome<RaContext>.Success(ra!) : refusal;
    }

    public async Task<Outcome<RaContext>> OpenAsync()
    {
        var (ra, refusal) = await ActorAsync();
        return refusal is null ? Outcome<RaContext>.Success(ra!) : refusal;
    }

    public async Task<Outcome<RaUserView>> GetUserAsync(string userId)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var user = await ProfileAsync(userId);
        if (RaRules.MayActOnUser(ra!, RaPermission.View, user) is { } denied)
        {
            await RefusedAsync(ra!, denied, r => r);
            return denied;
        }

        var sessions = await LiveSessionsAsync(user!);
        var shown = sessions.Where(s => RaRules.Covers(ra!, s, user)).Select(Row).ToList();
        var cardIds = (await Users(userId).GetCardIdsAsync()).Union(sessions.Select(s => s.CardId)).ToList();
        var cards = new List<RaCardRow>();
        foreach (var cardId in cardIds)
        {
            cards.Add(CardRow(await GrainFactory.GetGrain<ICardGrain>(cardId).GetAsync(), user));
        }

        return Outcome<RaUserView>.Success(new RaUserView(user!, shown, cards, sessions.Count - shown.Count));
    }

    public async Task<Outcome<RaWorkstationView>> GetWorkstationAsync(string workstationId)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        if (!ra!.Has(RaPermission.View))
        {
            var denied = RaRules.MayActOnUser(ra, RaPermission.View, null)!;
            await RefusedAsync(ra, denied, r => r with { WorkstationId = Bounded(workstationId) });
            return denied;
        }

        if (Bounded(workstationId) is null)
        {
            return Outcome<RaWorkstationView>.Success(new RaWorkstationView(workstationId, [], 0, null));
        }

        var workstation = await GrainFactory.GetGrain<IWorkstationGrain>(workstationId).GetAsync();
        var shown = new List<RaSessionRow>();
        var others = 0;
        foreach (var sessionId in workstation.SessionIds)
        {
            if (await GrainFactory.GetGrain<ISessionGrain>(sessionId).GetAsync() is not { IsLive: true } session)
            {
                continue;
            }

            if (RaRules.Covers(ra, session, session.Role is null ? await ProfileAsync(session.UserId) : null))
            {
                shown.Add(Row(session));
            }
            else
            {
                others++;
            }
        }

        return Outcome<RaWorkstationView>.Success(new RaWorkstationView(workstationId, shown.OrderBy(s => s.Since).ToList(), others, workstation.LastHeartbeatAt));
    }

    public async Task<Outcome<RaCardRow>> GetCardAsync(string cardId)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var (card, holder, denied) = await CardAsync(ra!, cardId, RaPermission.View);
        return denied ?? Outcome<RaCardRow>.Success(CardRow(card!, holder));
    }

    public async Task<Outcome<RaSessionsEnded>> EndSessionAsync(string sessionId, string reason)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var session = Bounded(sessionId) is null ? null : await GrainFactory.GetGrain<ISessionGrain>(sessionId).GetAsync();
        var user = session is null ? null : await ProfileAsync(session.UserId);
        var words = RaRules.Reason(reason);
        if ((RaRules.MayActOnSession(ra!, RaPermission.EndSessions, session, user) ?? words.Refusal) is { } denied)
        {
            await RefusedAsync(ra!, denied, r => r with { SessionId = session?.SessionId });
            return denied;
        }

        await _audit.RecordAsync(Actor(ra!, AuditEvent.SessionsEndedByRa, $"ra.end-session user {session!.UserId}: {words.Value}", session.UserId, session.Role?.OdsCode) with
        {
            SessionId = session.SessionId,
            WorkstationId = session.WorkstationId,
            CardId = session.CardId,
        });
        await GrainFactory.GetGrain<ISessionGrain>(session.SessionId).EndAsync(SessionEndReason.EndedByRa);
        return Outcome<RaSessionsEnded>.Success(new RaSessionsEnded([session.SessionId]));
    }

    public async Task<Outcome<RaSessionsEnded>> EndUserSessionsAsync(string userId, string reason)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var user = await ProfileAsync(userId);
        var words = RaRules.Reason(reason);
        if ((RaRules.MayActOnUser(ra!, RaPermission.EndSessions, user) ?? words.Refusal) is { } denied)
        {
            await RefusedAsync(ra!, denied, r => r);
            return denied;
        }

        var covered = (await LiveSessionsAsync(user!)).Where(s => RaRules.Covers(ra!, s, user)).ToList();
        await _audit.RecordAsync(Actor(ra!, AuditEvent.SessionsEndedByRa,
            $"ra.end-user-sessions user {user!.UserId} ({covered.Count} sessions): {words.Value}", user.UserId));
        foreach (var session in covered)
        {
            await GrainFactory.GetGrain<ISessionGrain>(session.SessionId).EndAsync(SessionEndReason.EndedByRa);
        }

        return Outcome<RaSessionsEnded>.Success(new RaSessionsEnded(covered.Select(s => s.SessionId).ToList()));
    }

    public async Task<Outcome<RaCardRow>> RevokeCardAsync(string cardId, string reason)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var words = RaRules.Reason(reason);
        var (card, holder, denied) = await CardAsync(ra!, cardId, RaPermission.Revoke, words.Refusal);
        if (denied is not null)
        {
            return denied;
        }

        await _audit.RecordAsync(Actor(ra!, AuditEvent.CardRevokedByRa, $"ra.revoke-card user {card!.UserId}: {words.Value}", card.UserId) with
        {
            CardId = card.CardId,
            SessionId = card.SessionId,
            WorkstationId = card.WorkstationId,
        });
        // The card grain records the revocation in its state and ends the session it carries (pushed to every node);
        // the certificates it logged in with are then refused by every node's certificate check, and published.
        var revocation = new CardRevocation(time.GetUtcNow(), ra!.UserId, ra.RoleProfileId, ra.OdsCode, words.Value!);
        var revoked = await GrainFactory.GetGrain<ICardGrain>(card.CardId).RevokeByRaAsync(revocation);
        var revokedBy = revoked.Card.Revocation ?? revocation;
        if (ErsRevocations.Entries(card.CardId, revoked.Certificates, revokedBy) is { Count: > 0 } certificates)
        {
            await GrainFactory.GetGrain<IRevocationGrain>(0).RevokeCertificatesAsync(certificates);
        }

        return Outcome<RaCardRow>.Success(CardRow(revoked.Card, holder));
    }

    public async Task<Outcome<RaRevocations>> GetRevocationsAsync(string? odsCode)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        // Scope first: a refused RA does not get the cluster's list read for it.
        if (RaRules.AuditScope(ra!, odsCode).Refusal is { } denied)
        {
            await RefusedAsync(ra!, denied, r => r);
            return denied;
        }

        return RaRules.Revocations(ra!, odsCode, await GrainFactory.GetGrain<IRevocationGrain>(0).GetRevokedByErsAsync());
    }

    public async Task<Outcome<AuditPage>> SearchAuditAsync(RaAuditFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var scope = RaRules.AuditScope(ra!, filter.OdsCode);
        if (scope.Refusal is { } denied)
        {
            await RefusedAsync(ra!, denied, r => r with { Reason = $"{denied.Code}: {RaRules.AuditSearchReason(filter, Bounded(filter.OdsCode?.Trim()) ?? "?")}" });
            return denied;
        }

        var query = new AuditQuery(filter.UserId, filter.SessionId, filter.CardId, filter.WorkstationId, scope.Value,
            filter.From, filter.To, Cursor: filter.Cursor, PageSize: filter.PageSize);
        if (AuditSearchRules.Validate(query).Refusal is { } bad)
        {
            await RefusedAsync(ra!, bad, r => r);
            return bad;
        }

        // The search is recorded before it is answered (an RA that cannot be audited does not read the trail); its
        // later pages carry the first page's filters in the cursor, so they are not recorded again.
        if (filter.Cursor is null)
        {
            await _audit.RecordAsync(Actor(ra!, AuditEvent.AuditSearchedByRa, RaRules.AuditSearchReason(filter, scope.Value!)));
        }

        var page = await auditTrail.SearchAsync(query);
        if (page.Refusal is { } refused)
        {
            await RefusedAsync(ra!, refused, r => r);
        }

        return page;
    }

    public async Task<Outcome<UnblockOrder>> AuthorizeUnblockAsync(string cardId)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var (card, _, denied) = await CardAsync(ra!, cardId, RaPermission.Unlock);
        if (denied is not null)
        {
            return denied;
        }

        // The order is for the workstation the RA is at: the one its own live session was made on.
        var own = await GrainFactory.GetGrain<ISessionGrain>(this.GetPrimaryKeyString()).GetAsync();
        var order = await GrainFactory.GetGrain<ICardGrain>(card!.CardId).AuthorizeUnblockAsync(ra!.UserId, ra.RoleProfileId, own!.WorkstationId, ra.OdsCode);
        if (order.Refusal is { } refused)
        {
            await RefusedAsync(ra, refused, r => r with { CardId = card.CardId, WorkstationId = own.WorkstationId });
            return refused;
        }

        await _audit.RecordAsync(Actor(ra, AuditEvent.CardUnblockOrderedByRa,
            $"ra.unblock-card user {card.UserId}: order {order.Value!.OrderId}", card.UserId) with
        {
            CardId = card.CardId,
            WorkstationId = own.WorkstationId,
        });
        return order;
    }

    public async Task<Outcome<RaDirectoryPreview>> PreviewDirectoryImportAsync(string directoryJson)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var (plan, denied) = await PlanAsync(ra!, directoryJson);
        if (denied is not null)
        {
            return denied;
        }

        var toEnd = new List<RaSessionRow>();
        foreach (var change in plan!.Changes)
        {
            var stale = change.StaleRoleProfileIds.ToHashSet(StringComparer.Ordinal);
            if (stale.Count > 0 && await ProfileAsync(change.UserId) is { } user)
            {
                toEnd.AddRange((await LiveSessionsAsync(user)).Where(s => DirectoryChangeRules.EndsSession(s, stale)).Select(Row));
            }
        }

        await _audit.RecordAsync(Actor(ra!, AuditEvent.DirectoryPreviewedByRa,
            $"ra.directory-preview users +{plan.Count(DirectoryUserChangeKind.Added)} -{plan.Count(DirectoryUserChangeKind.Removed)} ~{plan.Count(DirectoryUserChangeKind.Changed)}; " +
            $"role profiles +{plan.ProfilesAdded} -{plan.ProfilesRemoved} ~{plan.ProfilesChanged}; {toEnd.Count} live sessions would end; fingerprint {plan.Fingerprint[..16]}"));
        return Outcome<RaDirectoryPreview>.Success(new RaDirectoryPreview(plan, toEnd));
    }

    public async Task<Outcome<RaDirectoryApplied>> ApplyDirectoryImportAsync(string directoryJson, string fingerprint, string reason)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var words = RaRules.Reason(reason);
        var (plan, denied) = await PlanAsync(ra!, directoryJson, words.Refusal);
        if (denied is not null)
        {
            return denied;
        }

        if (!string.Equals(plan!.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            var changed = new Refusal(RefusalCodes.DirectoryChangedSincePreview,
                "The directory changed after you previewed this import, or this is not the file you previewed. Nothing was changed: preview it again.");
            await RefusedAsync(ra!, changed, r => r);
            return changed;
        }

        // Each user's change is audited before it is stored; the sessions it ends write their own end records.
        var applier = new DirectoryChangeApplier(GrainFactory);
        var ended = new List<string>();
        foreach (var change in plan.Changes)
        {
            var text = $"ra.directory-import {DirectoryChangeRules.Describe(change)}: {words.Value}";
            await _audit.RecordAsync(Actor(ra!, AuditEvent.DirectoryChangedByRa, text.Length <= 400 ? text : text[..400], change.UserId));
            ended.AddRange(await applier.ApplyAsync(change.After));
        }

        await applier.FlushIndexAsync();

        return Outcome<RaDirectoryApplied>.Success(new RaDirectoryApplied(plan, ended));
    }

    public async Task<Outcome<IReadOnlyList<StaffIndexEntry>>> FindUsersAsync(string name)
    {
        var (ra, refusal) = await ActorAsync();
        if (refusal is not null)
        {
            return refusal;
        }

        var text = name?.Trim() ?? "";
        if (!ra!.Has(RaPermission.View) || text.Length is < StaffNameSearch.MinLength or > StaffNameSearch.MaxLength)
        {
            var denied = ra.Has(RaPermission.View)
                ? new Refusal(RefusalCodes.RaSearchText, $"Enter {StaffNameSearch.MinLength} to {StaffNameSearch.MaxLength} characters of the name, or the 12-digit user ID.")
                : RaRules.MayActOnUser(ra, RaPermission.View, null)!;
            await RefusedAsync(ra, denied, r => r);
            return denied;
        }

        var found = new List<StaffIndexEntry>();
        foreach (var ods in ra.CoveredOdsCodes)
        {
            found.AddRange(await GrainFactory.GetGrain<IOrganisationStaffGrain>(ods).FindAsync(text, MaxFound));
        }

        return Outcome<IReadOnlyList<StaffIndexEntry>>.Success(found.DistinctBy(e => e.UserId).Take(MaxFound).ToList());
    }

    private async Task<(DirectoryPlan? Plan, Refusal? Refusal)> PlanAsync(RaContext ra, string directoryJson, Refusal? also = null)
    {
        var denied = RaRules.MayChangeDirectory(ra) ?? (directoryJson.Length > MaxDirectoryChars
            ? new Refusal(RefusalCodes.DirectoryTooLarge, $"The file is too large: import at most {MaxDirectoryChars / 1024} KB at a time.")
            : null) ?? also;
        DirectoryPlan? plan = null;
        if (denied is null)
        {
            var parsed = StaffDirectoryFile.Parse(directoryJson);
            if (!parsed.IsValid)
            {
                denied = new Refusal(RefusalCodes.DirectoryInvalid,
                    $"The file is not a valid staff directory, so nothing was changed: {string.Join("; ", parsed.Errors.Take(5))}{(parsed.Errors.Count > 5 ? $"; and {parsed.Errors.Count - 5} more" : "")}.");
            }
            else
            {
                var current = await Task.WhenAll(parsed.Users.Select(u => Users(u.UserId).GetProfileAsync()));
                var entries = parsed.Users.Select((u, i) => (u.UserId, current[i])).ToDictionary(e => e.UserId, e => e.Item2, StringComparer.Ordinal);
                var outcome = DirectoryChangeRules.Plan(parsed.Users, entries, ra.CoveredOdsCodes);
                denied = outcome.Refusal;
                plan = outcome.Value;
            }
        }

        if (denied is not null)
        {
            await RefusedAsync(ra, denied, r => r);
        }

        return (plan, denied);
    }

    private async Task<(CardSnapshot? Card, StaffUser? Holder, Refusal? Refusal)> CardAsync(RaContext ra, string cardId, RaPermission action, Refusal? also = null)
    {
        var card = Bounded(cardId) is null
            ? new CardSnapshot(cardId, CardState.Absent, null, null, null, null)
            : await GrainFactory.GetGrain<ICardGrain>(cardId).GetAsync();
        var holder = card.UserId is { } userId ? await ProfileAsync(userId) : null;
        if ((RaRules.MayActOnCard(ra, action, card, holder) ?? also) is { } denied)
        {
            await RefusedAsync(ra, denied, r => r with { CardId = Bounded(cardId) });
            return (null, null, denied);
        }

        return (card, holder, null);
    }

    private async Task<(RaContext? Ra, Refusal? Refusal)> ActorAsync(bool auditRefusal = true)
    {
        var sessionId = this.GetPrimaryKeyString();
        var session = await GrainFactory.GetGrain<ISessionGrain>(sessionId).GetAsync();
        var context = RaRules.Context(session, options.Value);
        if (context.Refusal is { } refusal && auditRefusal)
        {
            await _audit.RefusedAsync(refusal, r => r with
            {
                SessionId = sessionId,
                UserId = session?.UserId,
                RoleProfileId = session?.Role?.RoleProfileId,
                OdsCode = session?.Role?.OdsCode,
            });
        }

        return (context.Value, context.Refusal);
    }

    private async Task<IReadOnlyList<SessionSnapshot>> LiveSessionsAsync(StaffUser user)
    {
        var live = new List<SessionSnapshot>();
        foreach (var reference in await Users(user.UserId).GetLiveSessionsAsync())
        {
            if (await GrainFactory.GetGrain<ISessionGrain>(reference.SessionId).GetAsync() is { IsLive: true } session)
            {
                live.Add(session);
            }
        }

        return live;
    }

    private async Task<StaffUser?> ProfileAsync(string userId) =>
        userId.Length == 12 && userId.All(char.IsAsciiDigit) ? await Users(userId).GetProfileAsync() : null;

    private IUserGrain Users(string userId) => GrainFactory.GetGrain<IUserGrain>(userId);

    /// <summary>
    /// A record of what the RA did: the RA's user id, role profile id and organisation as the actor; the user acted on
    /// and the organisation the action was for (the RA role's, which is the one its rules let it act in, unless a
    /// session's own role names it) as the subject, so a search by either finds it.
    /// </summary>
    private AuditRecord Actor(RaContext ra, AuditEvent kind, string reason, string? subjectUserId = null, string? subjectOdsCode = null) =>
        _audit.New(kind, AuditOutcome.Success, reason) with
        {
            UserId = ra.UserId,
            RoleProfileId = ra.RoleProfileId,
            OdsCode = ra.OdsCode,
            SessionId = null,
            SubjectUserId = subjectUserId,
            SubjectOdsCode = subjectUserId is null ? null : subjectOdsCode ?? ra.OdsCode,
        };

    private Task RefusedAsync(RaContext ra, Refusal refusal, Func<AuditRecord, AuditRecord> details) =>
        _audit.RefusedAsync(refusal, r => details(r with { UserId = ra.UserId, RoleProfileId = ra.RoleProfileId, OdsCode = ra.OdsCode }));

    private static string? Bounded(string? id) => id is { Length: > 0 and <= MaxIdLength } ? id : null;

    private static RaSessionRow Row(SessionSnapshot s) =>
        new(s.SessionId, s.UserId, s.UserName, s.WorkstationId, s.CardId, s.Role?.RoleProfileId, s.Role?.JobRoleName,
            s.Role?.OdsCode, s.Role?.OrganisationName, s.CreatedAt, s.LastActivityAt);

    private static RaCardRow CardRow(CardSnapshot card, StaffUser? holder) =>
        new(card.CardId, card.State, card.WorkstationId, card.UserId, holder?.Name, card.ChangedAt);
}
