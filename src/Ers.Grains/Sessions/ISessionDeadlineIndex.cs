namespace Ers.Grains.Sessions;

/// <summary>
/// Where every live session is, durably, so one whose grain is gone still ends at its deadline (issue 14, "no
/// orphaned session"). A live session is either <em>active</em> on a silo (in that silo's set, written once at
/// activation) or <em>at rest</em> with its next deadline (written once at deactivation). Heartbeats never write.
/// </summary>
public interface ISessionDeadlineIndex
{
    /// <summary>
    /// False when session state dies with the process (the embedded run's memory storage): nothing can outlive a stop,
    /// so a session still live at shutdown is ended there, with its end record.
    /// </summary>
    bool IsDurable { get; }

    /// <summary>The session is live and active on this silo (removes it from the at-rest index).</summary>
    Task ActiveHereAsync(string sessionId);

    /// <summary>The live session left memory; <paramref name="deadline"/> is when a sweeper must wake it.</summary>
    Task AtRestAsync(string sessionId, DateTimeOffset deadline);

    /// <summary>The session ended or never started: it leaves the index.</summary>
    Task EndedAsync(string sessionId);
}
