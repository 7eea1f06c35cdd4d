namespace Ers.Grains.Sessions;

/// <summary>Subscribers with a renewal deadline: the rule the hub applies, kept apart so it is tested directly.</summary>
public sealed class SubscriberSet<T>(TimeSpan lifetime) where T : notnull
{
    private readonly Dictionary<T, DateTimeOffset> _renewedAt = [];

    public int Count => _renewedAt.Count;

    public void Renew(T subscriber, DateTimeOffset now) => _renewedAt[subscriber] = now;

    public void Remove(T subscriber) => _renewedAt.Remove(subscriber);

    /// <summary>The subscribers renewed within the lifetime; expired ones are dropped on the way.</summary>
    public IReadOnlyList<T> Live(DateTimeOffset now)
    {
        foreach (var expired in _renewedAt.Where(p => now - p.Value > lifetime).Select(p => p.Key).ToList())
        {
            _renewedAt.Remove(expired);
        }

        return [.. _renewedAt.Keys];
    }
}
