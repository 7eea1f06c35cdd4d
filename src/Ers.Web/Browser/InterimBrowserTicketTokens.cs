using Microsoft.AspNetCore.DataProtection;

namespace Ers.Web.Browser;

/// <summary>
/// Stand-in token format for login links until the agents' API token class lands: session id, ticket id and
/// expiry protected with ASP.NET Data Protection. Replaced by the shared format, not extended.
/// </summary>
public sealed class InterimBrowserTicketTokens(IDataProtectionProvider protection, TimeProvider time) : IBrowserTicketReader
{
    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Ers.Web.Browser.Ticket.v1").ToTimeLimitedDataProtector();

    public string Protect(string sessionId, string ticketId, DateTimeOffset expiresAt) =>
        _protector.Protect(sessionId + "\n" + ticketId, expiresAt);

    public BrowserTicketRef? Read(string? token, out string refusalCode)
    {
        refusalCode = RefusalCodes.TicketUnknown;
        if (token is not { Length: > 0 and < 4096 })
        {
            return null;
        }

        string text;
        try
        {
            text = _protector.Unprotect(token, out var expiresAt);
            if (time.GetUtcNow() >= expiresAt)
            {
                refusalCode = RefusalCodes.TicketExpired;
                return null;
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Forged, garbled, or expired by the protector's own clock: all are "this link can't be used".
            return null;
        }

        var parts = text.Split('\n');
        return parts.Length == 2 ? new BrowserTicketRef(parts[0], parts[1]) : null;
    }
}
