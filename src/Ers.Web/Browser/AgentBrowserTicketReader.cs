using Ers.Web.Security;

namespace Ers.Web.Browser;

/// <summary>
/// Reads the login links the agents' API issues (<see cref="BrowserTicketTokens"/>), and still the interim format
/// the page tests mint, so a real agent's link logs the browser in. Both are authenticated before any grain call.
/// </summary>
public sealed class AgentBrowserTicketReader(BrowserTicketTokens agentTokens, InterimBrowserTicketTokens interim) : IBrowserTicketReader
{
    public BrowserTicketRef? Read(string? token, out string refusalCode)
    {
        if (agentTokens.TryUnprotect(token, out var claims, out var expired))
        {
            refusalCode = "";
            return new BrowserTicketRef(claims.SessionId, claims.TicketId);
        }

        if (expired)
        {
            refusalCode = RefusalCodes.TicketExpired;
            return null;
        }

        return interim.Read(token, out refusalCode);
    }
}
