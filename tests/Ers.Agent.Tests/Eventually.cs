namespace Ers.Agent.Tests;

/// <summary>Polls a condition until it holds or a generous bound passes (never a fixed sleep as a wait).</summary>
internal static class Eventually
{
    public static Task<bool> TryAsync(Func<bool> condition, TimeSpan timeout) =>
        TryAsync(() => Task.FromResult(condition()), timeout);

    public static async Task<bool> TryAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(50);
        }
    }
}
