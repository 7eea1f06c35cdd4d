using Ers.Staff;

namespace Ers.Sessions;

/// <summary>Where a session is in its life.</summary>
public enum SessionState
{
    /// <summary>No session was started under this id.</summary>
    None = 0,

    /// <summary>The card proved itself; the user has several role profiles and has not chosen one yet.</summary>
    AwaitingRole = 1,

    /// <summary>A role profile is chosen: the session is usable.</summary>
    Active = 2,

    /// <summary>Over, for the recorded <see cref="SessionEndReason"/>. An ended session never comes back.</summary>
    Ended = 3,
}

/// <summary>Why a session ended. Values are stable: they are stored and audited.</summary>
public enum SessionEndReason
{
    CardRemoved = 1,
    Logout = 2,
    IdleTimeout = 3,
    AbsoluteTimeout = 4,
    Superseded = 5,
    AgentLost = 6,
    Revoked = 7,
    RoleChanged = 8,

    /// <summary>The embedded single-process Ers stopped: its in-memory state could not outlive the stop.</summary>
    ServerStopped = 9,
}

/// <summary>What a session needs to start: who proved themselves, with which card, where.</summary>
[GenerateSerializer, Immutable, Alias("ers.SessionStart")]
public sealed record SessionStart(
    [property: Id(0)] string UserId,
    [property: Id(1)] string CardId,
    [property: Id(2)] string WorkstationId);

/// <summary>Everything known about a session at one moment.</summary>
[GenerateSerializer, Immutable, Alias("ers.SessionSnapshot")]
public sealed record SessionSnapshot(
    [property: Id(0)] string SessionId,
    [property: Id(1)] SessionState State,
    [property: Id(2)] string UserId,
    [property: Id(3)] string UserName,
    [property: Id(4)] string CardId,
    [property: Id(5)] string WorkstationId,
    [property: Id(6)] RoleProfile? Role,
    [property: Id(7)] IReadOnlyDictionary<string, BusinessFunction> BusinessFunctions,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset LastActivityAt,
    [property: Id(10)] DateTimeOffset IdleExpiresAt,
    [property: Id(11)] DateTimeOffset AbsoluteExpiresAt,
    [property: Id(12)] SessionEndReason? EndReason,
    [property: Id(13)] DateTimeOffset? EndedAt,
    // The role profiles to choose from while no role is chosen; empty once one is.
    [property: Id(14)] IReadOnlyList<RoleProfile> AvailableRoles,
    [property: Id(15)] DateTimeOffset? LastHeartbeatAt = null)
{
    public bool IsLive => State is SessionState.AwaitingRole or SessionState.Active;
}

/// <summary>A one-time browser ticket issued for a session (the web front end exchanges it for a cookie).</summary>
[GenerateSerializer, Immutable, Alias("ers.BrowserTicket")]
public sealed record BrowserTicket(
    [property: Id(0)] string TicketId,
    [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>The deadlines a page shows: when the idle warning starts, and when the session ends.</summary>
[GenerateSerializer, Immutable, Alias("ers.SessionDeadlines")]
public sealed record SessionDeadlines(
    [property: Id(0)] DateTimeOffset IdleWarningAt,
    [property: Id(1)] DateTimeOffset IdleExpiresAt,
    [property: Id(2)] DateTimeOffset AbsoluteWarningAt,
    [property: Id(3)] DateTimeOffset AbsoluteExpiresAt);
