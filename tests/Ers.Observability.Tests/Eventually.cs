namespace Ers.Observability.Tests;

/// <summary>Waits for a condition with a timeout, polling briefly: never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, int timeoutSeconds = 30)
        where T : class
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Waited {timeoutSeconds} s for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 30) =>
        ValueAsync<object>(async () => await condition() ? true : null, what, timeoutSeconds);
}
