using Ers.VirtualCard;

namespace Ers.Testing.EndToEnd;

/// <summary>
/// A card in reader 0 whose user is logged in, the login URL the agent opened, and how long it all took. Disposing
/// pulls the card if it is still in.
/// </summary>
public sealed record CardLogin(EndToEndStack Stack, VpcdCardLink Link, Uri LoginUrl, LoginTiming Timing) : IAsyncDisposable
{
    /// <summary>Pulls the card and waits until the agent has handled the removal (so the next card is a new one).</summary>
    public Task RemoveAsync() => Stack.RemoveCardAsync(Link);

    public async ValueTask DisposeAsync()
    {
        if (Link.IsInserted)
        {
            await RemoveAsync();
        }
    }
}
