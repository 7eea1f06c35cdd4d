using System.Security.Cryptography;
using Ers.Grains.Cards;
using Ers.Tools.Pki;
using Ers.Web.Security;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Web.Tests.Security;

public sealed class TokenAndSignatureTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void A_challenge_token_carries_its_binding_and_any_change_breaks_it()
    {
        var challenges = new CardChallenges(new TokenProtector([Key], "challenge"));
        var token = challenges.Issue("card-1", "0123456789ABCDEF0123456789ABCDEF", [1, 2, 3]);

        Assert.True(challenges.TryRead(token, out var claims));
        Assert.Equal(("card-1", "0123456789ABCDEF0123456789ABCDEF"), (claims.CardId, claims.ChallengeId));
        Assert.Equal([1, 2, 3], claims.Certificate);
        for (var i = 0; i < token.Length; i += 7)
        {
            var changed = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.False(challenges.TryRead(changed, out _), $"changed at {i}");
        }

        // A token of another purpose under the same key is not a challenge token.
        var sessions = new SessionTokens(new TokenProtector([Key], "session"), _time, TimeSpan.FromHours(12));
        Assert.False(challenges.TryRead(sessions.Issue("session-1", "WS-1", "card-1", "555294209105", new CertificateId("AB", "01")), out _));
    }

    [Fact]
    public void A_token_made_for_one_purpose_or_key_never_reads_as_another()
    {
        var sessions = new SessionTokens(new TokenProtector([Key], "session"), _time, TimeSpan.FromHours(12));
        var tickets = new BrowserTicketTokens(new TokenProtector([Key], "browser-ticket"), _time);
        var otherKey = new SessionTokens(new TokenProtector([RandomNumberGenerator.GetBytes(32)], "session"), _time, TimeSpan.FromHours(12));
        var ticket = tickets.Protect("session-1", "ticket-1", _time.GetUtcNow().AddMinutes(1));
        var session = sessions.Issue("session-1", "WS-1", "card-1", "555294209105", new CertificateId("AB", "01"));

        Assert.False(sessions.TryRead(ticket, out _));
        Assert.False(tickets.TryUnprotect(session, out _, out _));
        Assert.False(otherKey.TryRead(session, out _));
        Assert.True(sessions.TryRead(session, out var claims));
        Assert.Equal(("session-1", "WS-1", "card-1", "555294209105"), (claims.SessionId, claims.WorkstationId, claims.CardId, claims.UserId));
    }

    [Fact]
    public void A_previous_key_still_verifies_during_rotation_but_the_new_key_signs()
    {
        var newKey = RandomNumberGenerator.GetBytes(32);
        var old = new BrowserTicketTokens(new TokenProtector([Key], "browser-ticket"), _time);
        var rotated = new BrowserTicketTokens(new TokenProtector([newKey, Key], "browser-ticket"), _time);
        var onlyNew = new BrowserTicketTokens(new TokenProtector([newKey], "browser-ticket"), _time);

        var oldToken = old.Protect("s", "t", _time.GetUtcNow().AddMinutes(1));

        Assert.True(rotated.TryUnprotect(oldToken, out _, out _));
        Assert.True(onlyNew.TryUnprotect(rotated.Protect("s", "t", _time.GetUtcNow().AddMinutes(1)), out _, out _));
        Assert.False(onlyNew.TryUnprotect(oldToken, out _, out _));
    }

    [Fact]
    public void An_expired_browser_ticket_is_told_apart_from_a_forged_one()
    {
        var tickets = new BrowserTicketTokens(new TokenProtector([Key], "browser-ticket"), _time);
        var token = tickets.Protect("session-1", "ticket-1", _time.GetUtcNow().AddSeconds(60));
        Assert.True(tickets.TryUnprotect(token, out var claims, out var expired));
        Assert.Equal(("session-1", "ticket-1", false), (claims.SessionId, claims.TicketId, expired));

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(tickets.TryUnprotect(token, out _, out expired));
        Assert.True(expired);
        Assert.False(tickets.TryUnprotect("garbage.token", out _, out expired));
        Assert.False(expired);
    }

    [Fact]
    public void Session_tokens_expire()
    {
        var sessions = new SessionTokens(new TokenProtector([Key], "session"), _time, TimeSpan.FromHours(12));
        var token = sessions.Issue("s", "WS-1", "c", "555294209105", new CertificateId("AB", "01"));
        _time.Advance(TimeSpan.FromHours(12));
        Assert.False(sessions.TryRead(token, out _));
    }

    [Theory]
    [InlineData(KeyAlgorithm.Rsa2048, false)]
    [InlineData(KeyAlgorithm.EcdsaP256, false)]
    [InlineData(KeyAlgorithm.EcdsaP256, true)]
    public async Task Card_signatures_verify_for_the_right_challenge_and_key_only(KeyAlgorithm algorithm, bool p1363)
    {
        using var pki = new TestPki();
        await pki.RefreshCrlsAsync();
        var card = pki.Card(algorithm: algorithm);
        var validated = pki.Validator.Validate(card.CertificateDer).Card!;
        var challenge = RandomNumberGenerator.GetBytes(32);
        byte[] signature;
        if (p1363)
        {
            using var key = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPrivateKey(card.Certificate)!;
            signature = key.SignData(challenge, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        else
        {
            signature = card.Sign(challenge);
        }

        Assert.True(CardSignatures.Verify(validated.Key, challenge, signature));
        Assert.False(CardSignatures.Verify(validated.Key, RandomNumberGenerator.GetBytes(32), signature));
        Assert.False(CardSignatures.Verify(validated.Key, challenge, pki.Card(algorithm: algorithm).Sign(challenge)));
        Assert.False(CardSignatures.Verify(validated.Key, challenge, []));
    }
}
