namespace Ers.Web.Browser;

/// <summary>
/// The seam between the login page and the browser-ticket token format: reads <c>/login?ticket=TOKEN</c>.
/// Authenticity is checked here, before any grain is called; single use is the session grain's job.
/// </summary>
public interface IBrowserTicketReader
{
    /// <summary>
    /// The ticket, or null with the stable refusal code (<c>ticket.unknown</c>, <c>ticket.expired</c>);
    /// <paramref name="expiredSessionId"/> names the session of an authentic but expired token (null for a forged one).
    /// </summary>
    BrowserTicketRef? Read(string? token, out string refusalCode, out string? expiredSessionId);
}
