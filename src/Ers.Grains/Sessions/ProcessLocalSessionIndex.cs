namespace Ers.Grains.Sessions;

/// <summary>
/// The embedded run's index: a cluster of one with in-memory state has no orphans, because a silo that dies takes
/// every session with it and none can be called again. What it owes is an end record for each session live at a
/// graceful stop, which <see cref="SessionRest"/> asks for when the index is not durable.
/// </summary>
public sealed class ProcessLocalSessionIndex : ISessionDeadlineIndex
{
    public bool IsDurable => false;

    public Task ActiveHereAsync(string sessionId) => Task.CompletedTask;

    public Task AtRestAsync(string sessionId, DateTimeOffset deadline) => Task.CompletedTask;

    public Task EndedAsync(string sessionId) => Task.CompletedTask;
}
