using System.Diagnostics;

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

    /// <summary>Waits until <paramref name="probe"/> answers a value, and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        T? value = null;
        await TrueAsync(async () => (value = await probe()) is not null, what, timeout);
        return value!;
    }
}
