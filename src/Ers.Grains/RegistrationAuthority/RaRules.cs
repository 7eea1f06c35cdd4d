using Ers.Cards;
using Ers.RegistrationAuthority;
using Ers.Revocation;
using Ers.Sessions;
using Ers.Staff;

namespace Ers.Grains.RegistrationAuthority;

/// <summary>
/// May RA X do action A on user, session or card Y? An RA acts with the role profile chosen for its own live session:
/// the permissions are those its activity codes are configured to grant, and it acts only for the organisation
/// (ODS code) that role profile is at. A user is in scope when they hold a role profile there; a session when its
/// role is there (a session still choosing its role: when its user is in scope); a card when its holder is.
/// </summary>
public static class RaRules
{
    /// <summary>The longest reason kept (the audit record carries it).</summary>
    public const int MaxReasonLength = 200;

    /// <summary>The permissions a set of activity codes grants, in enum order.</summary>
    public static IReadOnlyList<RaPermission> PermissionsOf(IEnumerable<string> activities, RaOptions options) =>
        activities.SelectMany(a => options.Activities.TryGetValue(a, out var granted) ? granted : [])
            .Distinct().Order().ToList();

    /// <summary>Who acts in a session: refused unless it is live, has a role, and the role carries an RA activity.</summary>
    public static Outcome<RaContext> Context(SessionSnapshot? session, RaOptions options)
    {
        if (session is not { State: SessionState.Active, Role: { } role })
        {
            return NotAnRa;
        }

        var permissions = PermissionsOf(role.Activities, options);
        return permissions.Count == 0
            ? NotAnRa
            : Outcome<RaContext>.Success(new RaContext(session.UserId, session.UserName, role.RoleProfileId, role.OdsCode,
                role.OrganisationName, permissions, [role.OdsCode]));
    }

    /// <summary>Whether the RA's organisations cover a user: they hold a role profile at one of them.</summary>
    public static bool Covers(RaContext ra, StaffUser user) => user.RoleProfiles.Any(p => ra.Covers(p.OdsCode));

    /// <summary>Whether the RA's organisations cover a session (its role's organisation, or its user while it has no role).</summary>
    public static bool Covers(RaContext ra, SessionSnapshot session, StaffUser? user) =>
        session.Role is { } role ? ra.Covers(role.OdsCode) : user is not null && Covers(ra, user);

    public static Refusal? MayActOnUser(RaContext ra, RaPermission action, StaffUser? user)
    {
        if (!ra.Has(action))
        {
            return NotPermitted(action);
        }

        if (user is null)
        {
            return new Refusal(RefusalCodes.UserUnknown, "There is no user with this user ID in the directory.");
        }

        return Covers(ra, user) ? null : OutOfScope;
    }

    public static Refusal? MayActOnSession(RaContext ra, RaPermission action, SessionSnapshot? session, StaffUser? user)
    {
        if (!ra.Has(action))
        {
            return NotPermitted(action);
        }

        if (session is null)
        {
            return new Refusal(RefusalCodes.SessionUnknown, "There is no such session.");
        }

        if (!Covers(ra, session, user))
        {
            return OutOfScope;
        }

        return session.IsLive ? null : new Refusal(RefusalCodes.SessionEnded, "This session has already ended.");
    }

    public static Refusal? MayActOnCard(RaContext ra, RaPermission action, CardSnapshot card, StaffUser? holder)
    {
        if (!ra.Has(action))
        {
            return NotPermitted(action);
        }

        if (card.UserId is null)
        {
            return new Refusal(RefusalCodes.CardUnknown, "No one has logged in with this card, so Ers cannot tell whose it is.");
        }

        return holder is not null && Covers(ra, holder) ? null : OutOfScope;
    }

    /// <summary>
    /// The organisation an RA's audit search covers: the RA role's own when none is named (or the same is named);
    /// refused when another is named, or when the role does not let the RA see users and sessions.
    /// </summary>
    public static Outcome<string> AuditScope(RaContext ra, string? odsCode)
    {
        if (!ra.Has(RaPermission.View))
        {
            return NotPermitted(RaPermission.View);
        }

        var named = string.IsNullOrWhiteSpace(odsCode) ? null : odsCode.Trim();
        return named is null || ra.Covers(named) ? Outcome<string>.Success(named ?? ra.OdsCode) : OutOfScope;
    }

    /// <summary>
    /// The Ers revocations an RA sees: those made for the organisation <see cref="AuditScope"/> gives (the RA role's,
    /// or the same one named), oldest first; refused as the audit search is.
    /// </summary>
    public static Outcome<RaRevocations> Revocations(RaContext ra, string? odsCode, IEnumerable<RevokedCertificate> all)
    {
        var scope = AuditScope(ra, odsCode);
        return scope.Refusal is { } refusal
            ? refusal
            : Outcome<RaRevocations>.Success(new RaRevocations(scope.Value!,
                [.. all.Where(r => string.Equals(r.OdsCode, scope.Value, StringComparison.Ordinal)).OrderBy(r => r.RevokedAt)]));
    }

    /// <summary>What an audit search record says: the action and the filters given (blank ones left out).</summary>
    public static string AuditSearchReason(RaAuditFilter filter, string odsCode)
    {
        var parts = new List<string> { filter.Export ? "ra.audit-export" : "ra.audit-search", "ods " + odsCode };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name} {value.Trim()}");
            }
        }

        Add("user", filter.UserId);
        Add("session", filter.SessionId);
        Add("card", filter.CardId);
        Add("workstation", filter.WorkstationId);
        Add("from", filter.From?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", filter.To?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var text = string.Join(' ', parts);
        return text.Length <= 400 ? text : text[..400];
    }

    /// <summary>An action that changes something needs a reason: trimmed, 3 to <see cref="MaxReasonLength"/> characters.</summary>
    public static Outcome<string> Reason(string? reason)
    {
        var text = reason?.Trim() ?? "";
        return text.Length is >= 3 and <= MaxReasonLength && !text.Any(char.IsControl)
            ? Outcome<string>.Success(text)
            : new Refusal(RefusalCodes.RaReasonRequired, $"Give a reason of 3 to {MaxReasonLength} characters, on one line.");
    }

    /// <summary>Whether the RA may import directory changes (assign or remove positions) for its organisations.</summary>
    public static Refusal? MayChangeDirectory(RaContext ra) => ra.Has(RaPermission.AssignPosition) ? null : NotPermitted(RaPermission.AssignPosition);

    private static Refusal NotAnRa => new(RefusalCodes.RaNotAnRa,
        "Your role does not carry a Registration Authority activity. Log in again and choose your RA role.");

    private static Refusal OutOfScope => new(RefusalCodes.RaOutOfScope,
        "This is outside the organisations your RA role covers.");

    private static Refusal NotPermitted(RaPermission action) => new(RefusalCodes.RaNotPermitted, action switch
    {
        RaPermission.View => "Your RA role does not let you see users and sessions.",
        RaPermission.Revoke => "Your RA role does not let you revoke smartcards.",
        RaPermission.EndSessions => "Your RA role does not let you end sessions.",
        RaPermission.Unlock => "Your RA role does not let you unlock smartcards.",
        _ => "Your RA role does not let you assign or remove positions.",
    });
}
