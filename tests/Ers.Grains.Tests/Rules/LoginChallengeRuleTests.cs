using System.Security.Cryptography;
using Ers.Api;
using Ers.Cards;
using Ers.Grains.Cards;

namespace Ers.Grains.Tests.Rules;

/// <summary>
/// Issue 13, the silo owns the login protocol: the card grain's challenges and the statement check as pure rules.
/// </summary>
public sealed class LoginChallengeRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private static CardKey KeyOf(ECDsa key) => new("555294209105", CardKeyAlgorithm.EcdsaP256Sha256, key.ExportSubjectPublicKeyInfo());

    [Fact]
    public void A_challenge_is_fresh_bound_to_its_workstation_and_key_and_lives_for_its_lifetime()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kept = new Dictionary<string, IssuedChallenge>();
        var first = LoginChallengeRules.Issue(kept, "WS-1", KeyOf(key), Now, Lifetime);
        var second = LoginChallengeRules.Issue(kept, "WS-1", KeyOf(key), Now, Lifetime);

        Assert.NotEqual(first.ChallengeId, second.ChallengeId);
        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.Equal(LoginStatement.NonceSize, first.Nonce.Length);
        Assert.Equal(Now + Lifetime, first.ExpiresAt);
        var issued = kept[first.ChallengeId];
        Assert.Equal(("WS-1", first.Nonce), (issued.WorkstationId, issued.Nonce));
        Assert.Null(LoginChallengeRules.CanAnswer(issued, consumed: false, "WS-1", Now + Lifetime - TimeSpan.FromTicks(1)));
        Assert.Equal(RefusalCodes.ChallengeExpired, LoginChallengeRules.CanAnswer(issued, consumed: false, "WS-1", Now + Lifetime)?.Code);
        Assert.Equal(RefusalCodes.ChallengeOtherWorkstation, LoginChallengeRules.CanAnswer(issued, consumed: false, "WS-2", Now)?.Code);
        Assert.Equal(RefusalCodes.ChallengeInvalid, LoginChallengeRules.CanAnswer(null, consumed: false, "WS-1", Now)?.Code);
        Assert.Equal(RefusalCodes.ChallengeUsed, LoginChallengeRules.CanAnswer(null, consumed: true, "WS-1", Now)?.Code);
    }

    [Fact]
    public void A_workstation_presenting_a_card_over_and_over_displaces_only_its_own_challenges()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kept = new Dictionary<string, IssuedChallenge>();
        var genuine = LoginChallengeRules.Issue(kept, "WS-GENUINE", KeyOf(key), Now, Lifetime);

        for (var i = 0; i < 1000; i++)
        {
            LoginChallengeRules.Issue(kept, "WS-HOSTILE", KeyOf(key), Now.AddMilliseconds(i), Lifetime);
        }

        Assert.True(kept.ContainsKey(genuine.ChallengeId));
        Assert.Equal(1 + LoginChallengeRules.MaxPerWorkstation, kept.Count);

        // Many workstations at once: the card keeps at most MaxKept, the oldest make way.
        for (var i = 0; i < 100; i++)
        {
            LoginChallengeRules.Issue(kept, $"WS-{i}", KeyOf(key), Now.AddSeconds(2 + i), Lifetime);
        }

        Assert.Equal(LoginChallengeRules.MaxKept, kept.Count);
        Assert.False(kept.ContainsKey(genuine.ChallengeId));
    }

    [Fact]
    public void An_answered_challenge_keeps_only_its_id_and_everything_is_forgotten_in_time()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kept = new Dictionary<string, IssuedChallenge>();
        var consumed = new Dictionary<string, DateTimeOffset>();
        var answered = LoginChallengeRules.Issue(kept, "WS-1", KeyOf(key), Now, Lifetime);
        var abandoned = LoginChallengeRules.Issue(kept, "WS-2", KeyOf(key), Now, Lifetime);

        LoginChallengeRules.Consume(kept, consumed, answered.ChallengeId, Now.AddSeconds(5));

        Assert.False(kept.ContainsKey(answered.ChallengeId));
        Assert.Equal(answered.ExpiresAt + LoginChallengeRules.KeptAfterExpiry, consumed[answered.ChallengeId]);
        LoginChallengeRules.Forget(kept, answered.ExpiresAt + LoginChallengeRules.KeptAfterExpiry, consumed);
        Assert.Empty(kept);
        Assert.Empty(consumed);
        Assert.NotNull(abandoned);
    }

    [Theory]
    [InlineData("https://ers.test", true)]
    [InlineData("https://ers.test:443", false)]
    [InlineData("http://ers.test", false)]
    [InlineData("", false)]
    public void The_statement_is_the_agents_and_names_a_normalised_https_origin_only(string origin, bool built)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kept = new Dictionary<string, IssuedChallenge>();
        var challenge = LoginChallengeRules.Issue(kept, "WS-1", KeyOf(key), Now, Lifetime);

        var statement = LoginChallengeRules.Statement(origin, "WS-1", "card-1", challenge.ChallengeId, kept[challenge.ChallengeId]);

        Assert.Equal(built, statement is not null);
        if (built)
        {
            Assert.Equal(LoginStatement.Build(origin, "WS-1", "card-1", challenge.ChallengeId, challenge.Nonce), statement);
            Assert.True(CardSignatures.Verify(KeyOf(key), statement, key.SignData(statement!, HashAlgorithmName.SHA256)));
            using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Assert.False(CardSignatures.Verify(KeyOf(other), statement, key.SignData(statement!, HashAlgorithmName.SHA256)));
            Assert.False(CardSignatures.Verify(new CardKey("x", CardKeyAlgorithm.RsaPkcs1Sha256, KeyOf(key).PublicKey), statement, key.SignData(statement!, HashAlgorithmName.SHA256)));
            Assert.False(CardSignatures.Verify(new CardKey("x", CardKeyAlgorithm.EcdsaP256Sha256, [1, 2, 3]), statement, key.SignData(statement!, HashAlgorithmName.SHA256)));
        }
    }
}
