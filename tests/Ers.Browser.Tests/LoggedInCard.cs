using Ers.Cards;
using Ers.Sessions;

namespace Ers.Browser.Tests;

/// <summary>A card in a reader with a live session, as the agent would hold it.</summary>
public sealed record LoggedInCard(ErsWebHost Host, ICardGrain Card, string WorkstationId, ISessionGrain Session, string SessionId)
{
    public async Task<string> LoginLinkAsync()
    {
        var ticket = await Session.IssueBrowserTicketAsync();
        Assert.True(ticket.IsSuccess, ticket.Refusal?.Message);
        return Host.LoginLink(SessionId, ticket.Value!);
    }

    public Task RemoveAsync() => Card.RemovedAsync(WorkstationId);
}
