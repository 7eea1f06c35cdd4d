using System.Security.Cryptography;
using Ers.SingleSignOn;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ers.Grains.SingleSignOn;

/// <summary>
/// Signs OpenID Connect Back-Channel Logout 1.0 logout tokens on the silo, with the provider's first signing key (the
/// same PEM file as the web tier's, so the same <c>kid</c> as in the JWKS): <c>typ</c> <c>logout+jwt</c>; claims
/// <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>exp</c>, <c>jti</c>, <c>sub</c>, <c>sid</c> and <c>events</c>, never a nonce.
/// </summary>
public sealed class LogoutTokens(IOptions<BackChannelLogoutOptions> options, [Microsoft.Extensions.DependencyInjection.FromKeyedServices(ErsTime.Key)] TimeProvider time)
{
    public const string TokenType = "logout+jwt";

    public const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private readonly Lazy<SigningCredentials?> _credentials = new(() => Load(options.Value.SigningKeyFiles));
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>False when the silo was given no signing key (nothing can be signed; deliveries fail, audited).</summary>
    public bool CanSign => _credentials.Value is not null;

    /// <summary>
    /// A logout token for one application of an ended session of <paramref name="userId"/>: fresh <c>iat</c> and
    /// <c>exp</c>, and the delivery's own <c>jti</c> (<paramref name="tokenId"/>), the same on every attempt.
    /// </summary>
    /// <param name="application">The sign-in the token ends (audience, sid, issuer).</param>
    /// <param name="userId">The token's <c>sub</c>.</param>
    /// <param name="tokenId">The token's <c>jti</c>.</param>
    public string Create(SignedInApplication application, string userId, string tokenId)
    {
        var credentials = _credentials.Value ?? throw new InvalidOperationException($"No signing key: {BackChannelLogoutOptions.SigningKeyFilesKey} is empty.");
        var now = time.GetUtcNow();
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = application.Issuer,
            Audience = application.ClientId,
            IssuedAt = now.UtcDateTime,
            Expires = (now + options.Value.TokenLifetime).UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Jti] = tokenId,
                [JwtRegisteredClaimNames.Sub] = userId,
                [JwtRegisteredClaimNames.Sid] = application.Sid,
                ["events"] = new Dictionary<string, object>(StringComparer.Ordinal) { [LogoutEvent] = new Dictionary<string, object>() },
            },
        });
    }

    private static SigningCredentials? Load(IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            return null;
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(files[0]));
        // The key id the web tier publishes (src/Ers.Web/Oidc/OidcKeys.cs): the RFC 7638 thumbprint.
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
    }
}
