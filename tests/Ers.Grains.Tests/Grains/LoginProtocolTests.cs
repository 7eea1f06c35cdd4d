using System.Security.Cryptography;
using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Silos;

namespace Ers.Grains.Tests.Grains;

/// <summary>
/// Issue 13: the card grain owns the login protocol. It issues the challenge, rebuilds the statement, verifies the
/// signature with the key of the presented certificate, uses the challenge up and chooses the session id; each
/// refusal is audited there and changes nothing but the challenge's use.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LoginProtocolTests(ClusterFixture fx)
{
    [Fact]
    public async Task A_signature_the_card_grain_cannot_verify_is_refused_audited_and_starts_nothing()
    {
        var journey = new Journey(fx.Client, await fx.NewUserAsync(Ids.Profile("E82665", "B1101")));
        using var key = CardLogins.NewKey();
        using var other = CardLogins.NewKey();
        var challenge = (await journey.Card.PresentAsync(journey.WorkstationId, journey.User.UserId, key)).Value!.Challenge;
        var statement = LoginStatement.Build(CardLogins.Origin, journey.WorkstationId, journey.CardId, challenge.ChallengeId, challenge.Nonce);
        var before = await journey.Card.GetAsync();

        var answers = new[]
        {
            // Another key than the presented certificate's.
            new CardLogin(journey.WorkstationId, challenge.ChallengeId, other.SignData(statement, HashAlgorithmName.SHA256), CardLogins.Origin),
            // The card's key over the nonce alone, as an agent before login statements signed.
            new CardLogin(journey.WorkstationId, challenge.ChallengeId, key.SignData(challenge.Nonce, HashAlgorithmName.SHA256), CardLogins.Origin),
            // A statement for another system: the edge names its own origin, the card signed for this one.
            new CardLogin(journey.WorkstationId, challenge.ChallengeId, key.SignData(statement, HashAlgorithmName.SHA256), "https://elsewhere.example"),
            // An origin no statement can name.
            new CardLogin(journey.WorkstationId, challenge.ChallengeId, key.SignData(statement, HashAlgorithmName.SHA256), "not an origin"),
            new CardLogin(journey.WorkstationId, challenge.ChallengeId, [], CardLogins.Origin),
        };
        foreach (var answer in answers)
        {
            Assert.Equal(RefusalCodes.SignatureInvalid, (await journey.Card.AuthenticateAsync(answer)).Refusal?.Code);
        }

        Assert.Equal(before, await journey.Card.GetAsync());
        var refusals = (await fx.Audit.QueryAsync(new AuditQuery(CardId: journey.CardId))).Where(r => r.Event == AuditEvent.Refused).ToList();
        Assert.Equal(answers.Length, refusals.Count);
        Assert.All(refusals, r => Assert.Equal((RefusalCodes.SignatureInvalid, journey.User.UserId, journey.WorkstationId), (r.Reason, r.UserId, r.WorkstationId)));

        // The challenge was not used by any of them: the card's own answer still logs in, once.
        var started = await journey.Card.AnswerAsync(journey.WorkstationId, challenge, key);
        Assert.True(started.IsSuccess, started.Refusal?.Code);
        Assert.True(Guid.TryParse(started.Value!.SessionId, out _));
        Assert.Equal(RefusalCodes.ChallengeUsed, (await journey.Card.AnswerAsync(journey.WorkstationId, challenge, key)).Refusal?.Code);
        Assert.Equal(SessionState.Active, (await journey.Session(started.Value.SessionId).GetAsync())!.State);
    }

    [Fact]
    public async Task A_challenge_answered_after_its_lifetime_or_never_issued_is_refused()
    {
        var journey = new Journey(fx.Client, await fx.NewUserAsync(Ids.Profile("E82665", "B1101")));
        using var key = CardLogins.NewKey();
        var challenge = (await journey.Card.PresentAsync(journey.WorkstationId, journey.User.UserId, key)).Value!.Challenge;
        Assert.Equal(fx.Clock.GetUtcNow() + TimeSpan.FromSeconds(60), challenge.ExpiresAt); // Ers:Sessions:ChallengeLifetime's default

        var forged = await journey.Card.AnswerAsync(journey.WorkstationId, challenge with { ChallengeId = "0123456789ABCDEF0123456789ABCDEF" }, key);
        fx.Clock.Advance(TimeSpan.FromSeconds(60));
        var late = await journey.Card.AnswerAsync(journey.WorkstationId, challenge, key);

        Assert.Equal(RefusalCodes.ChallengeInvalid, forged.Refusal?.Code);
        Assert.Equal(RefusalCodes.ChallengeExpired, late.Refusal?.Code);
        Assert.Equal(CardState.Inserted, (await journey.Card.GetAsync()).State);
    }
}
