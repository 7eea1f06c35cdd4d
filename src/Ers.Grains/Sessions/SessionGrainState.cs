using Ers.Sessions;
using Ers.SingleSignOn;
using Ers.Staff;

namespace Ers.Grains.Sessions;

[GenerateSerializer, Alias("ers.SessionState")]
public sealed class SessionGrainState
{
    [Id(0)] public SessionState State { get; set; }
    [Id(1)] public string UserId { get; set; } = "";
    [Id(2)] public string UserName { get; set; } = "";
    [Id(3)] public string CardId { get; set; } = "";
    [Id(4)] public string WorkstationId { get; set; } = "";
    [Id(5)] public RoleProfile? Role { get; set; }
    [Id(6)] public List<RoleProfile> AvailableRoles { get; set; } = [];
    [Id(7)] public Dictionary<string, BusinessFunction> BusinessFunctions { get; set; } = [];
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset LastActivityAt { get; set; }
    [Id(10)] public SessionEndReason? EndReason { get; set; }
    [Id(11)] public DateTimeOffset? EndedAt { get; set; }
    [Id(12)] public string? TicketId { get; set; }
    [Id(13)] public DateTimeOffset? TicketExpiresAt { get; set; }
    [Id(14)] public bool TicketRedeemed { get; set; }

    /// <summary>The applications this session signed into (one per client id): told by back-channel logout at its end.</summary>
    [Id(15)] public List<SignedInApplication> Applications { get; set; } = [];
}
