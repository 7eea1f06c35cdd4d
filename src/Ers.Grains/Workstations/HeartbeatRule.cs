namespace Ers.Grains.Workstations;

/// <summary>An agent that stops sending heartbeats is presumed gone, and its sessions end (fail safe).</summary>
public static class HeartbeatRule
{
    public static bool IsLost(DateTimeOffset? lastHeartbeatAt, DateTimeOffset now, TimeSpan timeout) =>
        lastHeartbeatAt is { } last && now - last >= timeout;

    /// <summary>
    /// How often an agent should send: a third of the timeout, so two heartbeats in a row may be lost (a network blip,
    /// a busy workstation) before the session ends.
    /// </summary>
    public static TimeSpan Period(TimeSpan timeout) => timeout / 3;

    /// <summary>When the workstation next needs looking at, if nothing else arrives.</summary>
    public static DateTimeOffset NextCheck(DateTimeOffset lastHeartbeatAt, TimeSpan timeout) => lastHeartbeatAt + timeout;
}
