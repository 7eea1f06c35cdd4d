namespace Ers.Web.Security;

/// <summary>
/// The token in the one-time browser login URL (<c>/login?ticket=TOKEN</c>): the session id and the ticket id the
/// session grain issued, authenticated with the shared token key under its own purpose. A token that fails
/// <see cref="TryUnprotect"/> must not reach a grain; single use is enforced by
/// <c>ISessionGrain.RedeemBrowserTicketAsync</c>.
/// </summary>
public sealed class BrowserTicketTokens(TokenProtector protector, TimeProvider time)
{
    private const byte Version = 1;

    public string Protect(string sessionId, string ticketId, DateTimeOffset expiresAt) =>
        protector.Protect(new PayloadWriter(Version).Text(sessionId).Text(ticketId).Time(expiresAt).ToArray());

    /// <summary>
    /// True when <paramref name="token"/> is authentic and unexpired (by the injected <see cref="TimeProvider"/>).
    /// <paramref name="expired"/> tells an authentic but expired token (refuse with <c>ticket.expired</c>) from a
    /// forged or garbled one (<c>ticket.unknown</c>).
    /// </summary>
    public bool TryUnprotect(string? token, out BrowserTicketClaims claims, out bool expired)
    {
        claims = null!;
        expired = false;
        if (!protector.TryUnprotect(token, out var payload))
        {
            return false;
        }

        try
        {
            var reader = new PayloadReader(payload, Version);
            claims = new BrowserTicketClaims(reader.Text(), reader.Text(), reader.Time());
            reader.End();
        }
        catch (FormatException)
        {
            return false;
        }

        expired = time.GetUtcNow() >= claims.ExpiresAt;
        return !expired;
    }
}
