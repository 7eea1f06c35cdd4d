namespace Ers.Grains.Sessions;

/// <summary>
/// The rules for a session whose grain leaves memory: a server stop is never the agent's fault and never silently
/// loses a session.
/// </summary>
public static class SessionRest
{
    /// <summary>What to do on deactivation.</summary>
    public static RestAction OnDeactivate(bool isLive, bool shuttingDown, bool durable) =>
        !isLive ? RestAction.Nothing
        : durable ? RestAction.Rest
        // Memory state that is deactivated for any reason is gone; at a stop that is the server's doing, so say so.
        : shuttingDown ? RestAction.EndServerStopped
        : RestAction.Rest;

    /// <summary>
    /// When a sweeper must wake a resting session: its next idle or absolute expiry, or its agent's heartbeat deadline
    /// if sooner. A sweeper's wake keeps that heartbeat deadline (<see cref="HeartbeatFromAtWake"/>), so an agent that
    /// is gone ends then (<c>agent-lost</c>), and one that is alive has already woken it with its next heartbeat.
    /// </summary>
    public static DateTimeOffset WakeAt(DateTimeOffset nextExpiry, DateTimeOffset heartbeatDeadline) =>
        heartbeatDeadline < nextExpiry ? heartbeatDeadline : nextExpiry;

    /// <summary>
    /// The heartbeat window a session woken by a sweeper at <paramref name="due"/> keeps: the one it rested with
    /// (its deadline was at most <paramref name="due"/>, see <see cref="WakeAt"/>), not the fresh one an activation
    /// grants, so an agent that is gone is not given a second timeout; null once the agent or the user was heard in this activation.
    /// A cluster change after the rest still counts as a heartbeat (the grain takes the later of the two).
    /// </summary>
    public static DateTimeOffset? HeartbeatFromAtWake(DateTimeOffset due, TimeSpan heartbeatTimeout, bool heardSinceActivation) =>
        heardSinceActivation ? null : due - heartbeatTimeout;

    /// <summary>
    /// Whether a missing heartbeat may end the session now: never while this silo is stopping (the web nodes and
    /// gateways go away with it, so heartbeats that do not arrive are ours to lose, not the agent's).
    /// </summary>
    public static bool MayDeclareAgentLost(bool localSiloStopping) => !localSiloStopping;
}
