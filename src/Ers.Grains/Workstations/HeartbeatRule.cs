namespace Ers.Grains.Workstations;

/// <summary>An agent that stops sending heartbeats is presumed gone, and its sessions end (fail safe).</summary>
public static class HeartbeatRule
{
    public static bool IsLost(DateTimeOffset? lastHeartbeatAt, DateTimeOffset now, TimeSpan timeout) =>
        lastHeartbeatAt is { } last && now - last >= timeout;

    /// <summary>When the workstation next needs looking at, if nothing else arrives.</summary>
    public static DateTimeOffset NextCheck(DateTimeOffset lastHeartbeatAt, TimeSpan timeout) => lastHeartbeatAt + timeout;
}
