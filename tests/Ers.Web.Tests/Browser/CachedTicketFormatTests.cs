using System.Security.Claims;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Web.Tests.Browser;

public sealed class CachedTicketFormatTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CountingFormat _inner = new(new TicketDataFormat(new EphemeralDataProtectionProvider().CreateProtector("cookie")));

    [Fact]
    public void A_cookie_seen_before_is_answered_without_decrypting_it_again_as_a_separate_copy()
    {
        var format = new CachedTicketFormat(_inner, _time, capacity: 10);
        var cookie = format.Protect(Ticket("s-1"));

        var first = format.Unprotect(cookie)!;
        first.Principal.Identities.First().AddClaim(new Claim("changed", "by this request"));
        var second = format.Unprotect(cookie)!;

        Assert.Equal(1, _inner.Unprotects);
        Assert.Equal("s-1", second.Principal.FindFirst(BrowserSession.SessionIdClaim)!.Value);
        Assert.Null(second.Principal.FindFirst("changed"));
    }

    [Fact]
    public void A_tampered_cookie_is_no_ticket_and_is_not_cached()
    {
        var format = new CachedTicketFormat(_inner, _time, capacity: 10);
        var cookie = format.Protect(Ticket("s-1"));
        var tampered = cookie[..^4] + (cookie[^4] == 'A' ? "BBBB" : "AAAA");

        Assert.Null(format.Unprotect(tampered));
        Assert.Null(format.Unprotect(tampered));
        Assert.Equal(2, _inner.Unprotects);
        Assert.Equal(0, format.Count);
    }

    [Fact]
    public void Entries_are_checked_with_data_protection_again_after_their_age_and_the_cache_stays_bounded()
    {
        var format = new CachedTicketFormat(_inner, _time, capacity: 3);
        var cookie = format.Protect(Ticket("s-1"));
        format.Unprotect(cookie);

        _time.Advance(CachedTicketFormat.MaxEntryAge);
        format.Unprotect(cookie);
        Assert.Equal(2, _inner.Unprotects);

        for (var i = 0; i < 10; i++)
        {
            format.Unprotect(format.Protect(Ticket($"s-{i + 2}")));
        }

        Assert.InRange(format.Count, 1, 3);
    }

    private static AuthenticationTicket Ticket(string sessionId) =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(BrowserSession.SessionIdClaim, sessionId)], BrowserSession.Scheme)),
            new AuthenticationProperties(), BrowserSession.Scheme);

    private sealed class CountingFormat(ISecureDataFormat<AuthenticationTicket> inner) : ISecureDataFormat<AuthenticationTicket>
    {
        public int Unprotects { get; private set; }

        public string Protect(AuthenticationTicket data) => inner.Protect(data);

        public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Unprotects++;
            return inner.Unprotect(protectedText, purpose);
        }
    }
}
