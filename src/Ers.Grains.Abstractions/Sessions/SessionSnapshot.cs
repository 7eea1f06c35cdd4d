using Ers.Staff;

namespace Ers.Sessions;

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
