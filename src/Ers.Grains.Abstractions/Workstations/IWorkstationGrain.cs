using Orleans.Concurrency;

namespace Ers.Workstations;

/// <summary>
/// One per workstation (key: the workstation id from its client certificate): which sessions it holds and whether
/// its agent was lost. The agent's heartbeats go to its sessions (<see cref="Sessions.ISessionGrain.HeartbeatAsync"/>),
/// each of which ends itself when they stop, so this grain is idle between logins and is not kept in memory.
/// </summary>
[Alias("ers.IWorkstationGrain")]
public interface IWorkstationGrain : IGrainWithStringKey
{
    /// <summary>A heartbeat for every session on the workstation (the agents' API sends them to the sessions directly).</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Heartbeat")]
    Task HeartbeatAsync();

    /// <summary>One-way, from a session that ended because the agent's heartbeats stopped.</summary>
    [Alias("AgentLost"), OneWay]
    Task AgentLostAsync();

    /// <summary>One-way notifications from session grains: the workstation may be the one ending them.</summary>
    [Alias("SessionStarted"), OneWay]
    Task SessionStartedAsync(string sessionId);

    [Alias("SessionEnded"), OneWay]
    Task SessionEndedAsync(string sessionId);

    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Get")]
    Task<WorkstationSnapshot> GetAsync();

    /// <summary>
    /// A login at this workstation presented this client certificate (<c>{issuer hash}/{serial}</c>, from the
    /// certificate grain): it is the workstation's current certificate.
    /// </summary>
    [Alias("CertificateUsed")]
    Task CertificateUsedAsync(string certificate);

    /// <summary>
    /// A CRL revoked a client certificate this workstation presented: when it is the workstation's current certificate
    /// (the last one a login presented), every live session on the workstation ends (<c>workstation-revoked</c>, one end
    /// record each). A certificate the workstation has since been renewed from ends nothing: its agent presents the new
    /// one. Idempotent.
    /// </summary>
    [Alias("CertificateRevoked")]
    Task CertificateRevokedAsync(string certificate);

    /// <summary>Has every session on the workstation check its heartbeat deadline now (their timers do it too).</summary>
    [Alias("CheckHeartbeat")]
    Task CheckHeartbeatAsync();
}
