namespace Ers;

/// <summary>
/// Why Ers said no: a stable machine-readable <see cref="Code"/> (never renamed: agents, pages and auditors key on
/// it) and a plain sentence for people.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.Refusal")]
public sealed record Refusal([property: Id(0)] string Code, [property: Id(1)] string Message);

/// <summary>Either a value or a <see cref="Refusal"/>. Refusals are answers, not exceptions.</summary>
[GenerateSerializer, Immutable, Alias("ers.Outcome`1")]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] Refusal? Refusal)
{
    public bool IsSuccess => Refusal is null;

    public static Outcome<T> Success(T value) => new(value, null);

    public static Outcome<T> Refused(Refusal refusal) => new(default, refusal);

    public static implicit operator Outcome<T>(Refusal refusal) => Refused(refusal);
}

/// <summary>The stable refusal codes of the grains. Each has one meaning forever.</summary>
public static class RefusalCodes
{
    public const string UserUnknown = "user.unknown";
    public const string UserHasNoRoleProfiles = "user.no-role-profiles";
    public const string ConcurrentSessionDenied = "session.concurrent-limit";
    public const string RoleNotHeld = "role.not-held";
    public const string RoleAlreadyChosen = "role.already-chosen";
    public const string RoleNotChosen = "role.not-chosen";
    public const string BusinessFunctionNotGranted = "business-function.not-granted";
    public const string NoBusinessFunction = "business-function.none-granted";
    public const string SessionUnknown = "session.unknown";
    public const string SessionEnded = "session.ended";
    public const string SessionAlreadyStarted = "session.already-started";
    public const string CardBlocked = "card.blocked";
    public const string CardRevoked = "card.revoked";
    public const string CardNotInserted = "card.not-inserted";
    public const string CardInOtherWorkstation = "card.other-workstation";
    public const string TicketUsed = "ticket.used";
    public const string TicketUnknown = "ticket.unknown";
    public const string TicketExpired = "ticket.expired";
}
