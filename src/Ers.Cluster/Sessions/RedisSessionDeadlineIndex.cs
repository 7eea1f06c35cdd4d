using System.Globalization;
using Ers.Grains.Sessions;
using StackExchange.Redis;

namespace Ers.Cluster.Sessions;

/// <summary>
/// The deadline index in Redis, beside the grain state it speaks for: one set of session ids per silo (the sessions
/// active there), a set naming those silos, and one sorted set of resting sessions scored by their wake-up time in Unix
/// milliseconds. Each call is one pipelined round trip; none happens per heartbeat or page view.
/// </summary>
public sealed class RedisSessionDeadlineIndex(ConfigurationOptions redis, string serviceId, ILocalSiloDetails silo)
    : ISessionDeadlineIndex, IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() =>
    {
        var options = redis.Clone();
        options.AbortOnConnectFail = false;
        options.ClientName = "ers-deadline-index";
        return ConnectionMultiplexer.ConnectAsync(options);
    });

    private int _registered;

    public bool IsDurable => true;

    public RedisKey SilosKey => $"ers-sessions:{serviceId}:silos";

    public RedisKey AtRestKey => $"ers-sessions:{serviceId}:at-rest";

    public string LocalSilo => silo.SiloAddress.ToParsableString();

    public RedisKey SiloKey(string siloAddress) => $"ers-sessions:{serviceId}:silo:{siloAddress}";

    public async Task<IDatabase> DatabaseAsync() => (await _connection.Value).GetDatabase();

    public async Task ActiveHereAsync(string sessionId)
    {
        var db = await DatabaseAsync();
        var batch = db.CreateBatch();
        var register = Interlocked.Exchange(ref _registered, 1) == 0 ? batch.SetAddAsync(SilosKey, LocalSilo) : Task.CompletedTask;
        var add = batch.SetAddAsync(SiloKey(LocalSilo), sessionId);
        var remove = batch.SortedSetRemoveAsync(AtRestKey, sessionId);
        batch.Execute();
        try
        {
            await Task.WhenAll(register, add, remove);
        }
        catch
        {
            Interlocked.Exchange(ref _registered, 0);
            throw;
        }
    }

    public async Task AtRestAsync(string sessionId, DateTimeOffset deadline)
    {
        var db = await DatabaseAsync();
        var batch = db.CreateBatch();
        // Rest first, then leave the silo set: killed between the two, the session is in both, which wakes it twice
        // at worst; the other order could lose it.
        var rest = batch.SortedSetAddAsync(AtRestKey, sessionId, deadline.ToUnixTimeMilliseconds());
        var leave = batch.SetRemoveAsync(SiloKey(LocalSilo), sessionId);
        batch.Execute();
        await Task.WhenAll(rest, leave);
    }

    public async Task EndedAsync(string sessionId)
    {
        var db = await DatabaseAsync();
        var batch = db.CreateBatch();
        var leave = batch.SetRemoveAsync(SiloKey(LocalSilo), sessionId);
        var rest = batch.SortedSetRemoveAsync(AtRestKey, sessionId);
        batch.Execute();
        await Task.WhenAll(leave, rest);
    }

    /// <summary>
    /// Up to <paramref name="count"/> resting sessions whose wake-up time is not after <paramref name="now"/>, each
    /// with that time (to the millisecond).
    /// </summary>
    public async Task<(string Id, DateTimeOffset Due)[]> DueAsync(DateTimeOffset now, int count)
    {
        var db = await DatabaseAsync();
        var due = await db.SortedSetRangeByScoreWithScoresAsync(AtRestKey, double.NegativeInfinity, now.ToUnixTimeMilliseconds(), take: count);
        return [.. due.Select(e => (e.Element.ToString(), DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score)))];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"deadline index of {serviceId} on {LocalSilo}");

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }
}
