namespace Ers.Sessions;

/// <summary>
/// Implemented by each web node (an Orleans grain observer): receives session-end events from
/// <see cref="ISessionEndHubGrain"/>. Calls are one-way: a slow or dead node never holds up a session ending.
/// </summary>
[Alias("ers.ISessionEndObserver")]
public interface ISessionEndObserver : IGrainObserver
{
    [Alias("SessionEnded"), Orleans.Concurrency.OneWay]
    Task SessionEndedAsync(SessionEnded ended);
}
