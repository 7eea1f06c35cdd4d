using Ers.Web.Security;

namespace Ers.Web.Browser;

/// <summary>Reads login links in the format the agents' API issues them (<see cref="BrowserTicketTokens"/>).</summary>
public sealed class SharedBrowserTicketReader(BrowserTicketTokens tokens) : IBrowserTicketReader
{
    public BrowserTicketRef? Read(string? token, out string refusalCode, out string? expiredSessionId)
    {
        expiredSessionId = null;
        if (tokens.TryUnprotect(token, out var claims, out var expired))
        {
            refusalCode = "";
            return new BrowserTicketRef(claims.SessionId, claims.TicketId);
        }

        refusalCode = expired ? RefusalCodes.TicketExpired : RefusalCodes.TicketUnknown;
        expiredSessionId = expired ? claims.SessionId : null;
        return null;
    }
}
