using System.Diagnostics;
using System.Threading.Channels;

namespace Ers.Testing;

/// <summary>
/// Waits for a condition, looking again briefly, with a generous bound: never a fixed sleep. Fails with a
/// <see cref="TimeoutException"/> that names what never happened.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(50);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what = "the condition", TimeSpan? timeout = null, TimeSpan? every = null)
    {
        var bound = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > bound)
            {
                throw new TimeoutException($"Waited {bound.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(every ?? DefaultEvery);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? every = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout, every);

    /// <summary>Like <c>TrueAsync</c>, but answers whether the condition held within the bound instead of throwing.</summary>
    public static async Task<bool> TryAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? every = null)
    {
        try
        {
            await TrueAsync(condition, "the condition", timeout, every);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public static Task<bool> TryAsync(Func<bool> condition, TimeSpan timeout) => TryAsync(() => Task.FromResult(condition()), timeout);

    /// <summary>
    /// Reads <paramref name="reader"/> until an item matches and returns it; every item read, matching or not, is
    /// passed to <paramref name="seen"/>. <paramref name="explain"/> adds context (the output so far) to a timeout.
    /// </summary>
    public static async Task<T> MatchAsync<T>(ChannelReader<T> reader, Func<T, bool> match, string what, TimeSpan timeout,
        Action<T>? seen = null, Func<string>? explain = null)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var item = await reader.ReadAsync(cancel.Token);
                seen?.Invoke(item);
                if (match(item))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.{Environment.NewLine}{explain?.Invoke()}");
        }
    }

    /// <summary>Waits until <paramref name="probe"/> answers a value, and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        T? value = null;
        await TrueAsync(async () => (value = await probe()) is not null, what, timeout);
        return value!;
    }
}
