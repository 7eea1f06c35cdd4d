namespace Ers.Grains.Tests;

/// <summary>
/// Waits for an effect of a one-way notification (delivered after the caller's turn), polling briefly, with a
/// timeout: never a fixed sleep.
/// </summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, int timeoutSeconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"The condition did not become true within {timeoutSeconds} s.");
            }

            await Task.Delay(10);
        }
    }
}
