using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace Ers.Web.Browser;

/// <summary>
/// Stand-in token format for login links until the agents' API token class lands: session id, ticket id and
/// expiry protected with ASP.NET Data Protection. Replaced by the shared format, not extended.
/// </summary>
public sealed class InterimBrowserTicketTokens(IDataProtectionProvider protection, TimeProvider time) : IBrowserTicketReader
{
    // The expiry is in the payload and checked here with the injected clock, so an authentic but late link is
    // told apart from a forged one (a time-limited protector would refuse both alike).
    private readonly IDataProtector _protector = protection.CreateProtector("Ers.Web.Browser.Ticket.v1");

    public string Protect(string sessionId, string ticketId, DateTimeOffset expiresAt) =>
        _protector.Protect(string.Join('\n', sessionId, ticketId, expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));

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
            text = _protector.Unprotect(token);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }

        var parts = text.Split('\n');
        if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return null;
        }

        if (time.GetUtcNow().ToUnixTimeMilliseconds() >= expiresAt)
        {
            refusalCode = RefusalCodes.TicketExpired;
            return null;
        }

        return new BrowserTicketRef(parts[0], parts[1]);
    }
}
