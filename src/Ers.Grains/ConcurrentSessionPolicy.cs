namespace Ers.Grains;

/// <summary>What a deployment does when a user who already has live sessions logs in again.</summary>
public enum ConcurrentSessionPolicy
{
    /// <summary>End the oldest live session to make room (the default: the newest card wins).</summary>
    TerminateOldest = 0,

    /// <summary>Refuse the new session while the limit is reached.</summary>
    DenyNew = 1,
}
