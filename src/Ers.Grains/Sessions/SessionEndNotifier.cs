using Ers.Sessions;

namespace Ers.Grains.Sessions;

/// <summary>How a session grain announces that it ended: one call, one-way, to the hub.</summary>
public static class SessionEndNotifier
{
    public static void Publish(IGrainFactory grains, string sessionId, SessionEndReason reason, DateTimeOffset endedAt) =>
        grains.GetGrain<ISessionEndHubGrain>(ISessionEndHubGrain.Key).PublishAsync(new SessionEnded(sessionId, reason, endedAt)).Ignore();
}
