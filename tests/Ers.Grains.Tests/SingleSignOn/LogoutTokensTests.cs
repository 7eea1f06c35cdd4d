using System.Security.Cryptography;
using System.Text.Json;
using Ers.Grains.SingleSignOn;
using Ers.SingleSignOn;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ers.Grains.Tests.SingleSignOn;

public sealed class LogoutTokensTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"ers-logout-key-{Guid.NewGuid():N}.pem");
    private readonly RSA _rsa = RSA.Create(2048);

    public LogoutTokensTests() => File.WriteAllText(_keyFile, _rsa.ExportPkcs8PrivateKeyPem());

    [Fact]
    public async Task A_logout_token_is_a_logout_jwt_signed_by_the_first_key_with_the_claims_the_spec_asks_and_no_nonce()
    {
        var tokens = new LogoutTokens(Options.Create(new BackChannelLogoutOptions { SigningKeyFiles = [_keyFile], TokenLifetime = TimeSpan.FromMinutes(2) }), new FakeTimeProvider(Now));
        var application = new SignedInApplication("ers-sample-rp", "https://rp.example/bcl", "sid-abc", "https://ers.example/");

        var token = tokens.Create(application, "555294209105", "jti-1");

        var publicKey = new RsaSecurityKey(RSA.Create(_rsa.ExportParameters(false)));
        publicKey.KeyId = Base64UrlEncoder.Encode(publicKey.ComputeJwkThumbprint());
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://ers.example/",
            ValidAudience = "ers-sample-rp",
            IssuerSigningKey = publicKey,
            ValidTypes = ["logout+jwt"],
            LifetimeValidator = (_, expires, _, _) => expires == Now.AddMinutes(2).UtcDateTime,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal(publicKey.KeyId, jwt.Kid);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal("555294209105", jwt.Subject);
        Assert.Equal("sid-abc", jwt.GetClaim("sid").Value);
        Assert.Equal(Now.ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("iat"));
        Assert.Equal("jti-1", jwt.Id);
        Assert.False(jwt.TryGetPayloadValue<object>("nonce", out _));
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        var events = payload.RootElement.GetProperty("events");
        Assert.Equal(JsonValueKind.Object, events.GetProperty(LogoutTokens.LogoutEvent).ValueKind);
        Assert.Empty(events.GetProperty(LogoutTokens.LogoutEvent).EnumerateObject());
        // Another attempt of the same delivery: the same jti (an application drops the repeat), the same claims.
        Assert.Equal(jwt.Id, new JsonWebToken(tokens.Create(application, "555294209105", "jti-1")).Id);
    }

    [Fact]
    public void A_silo_given_no_signing_key_says_it_cannot_sign()
    {
        var tokens = new LogoutTokens(Options.Create(new BackChannelLogoutOptions()), new FakeTimeProvider(Now));

        Assert.False(tokens.CanSign);
        Assert.Throws<InvalidOperationException>(() => tokens.Create(new SignedInApplication("a", "https://a/", "s", "https://ers/"), "u", "jti-1"));
    }

    public void Dispose()
    {
        _rsa.Dispose();
        File.Delete(_keyFile);
    }
}
