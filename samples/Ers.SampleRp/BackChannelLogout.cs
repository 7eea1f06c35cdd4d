using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ers.SampleRp;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0 at <c>POST /backchannel-logout</c>: the provider posts a <c>logout_token</c>;
/// it is checked as the spec says (signature by the provider's JWKS, <c>iss</c>, <c>aud</c>, <c>iat</c>/<c>exp</c>, the
/// logout event, a <c>sid</c>, no <c>nonce</c>) and its <c>sid</c> is recorded, so that session's cookie stops working.
/// </summary>
internal static partial class BackChannelLogout
{
    public const string Path = "/backchannel-logout";

    private const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    public static async Task<IResult> ReceiveAsync(
        HttpContext http, IOptionsMonitor<OpenIdConnectOptions> oidc, EndedSessions ended, TimeProvider time, ILogger<EndedSessions> log)
    {
        http.Response.Headers.CacheControl = "no-store";
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var token = form?["logout_token"].ToString();
        if (string.IsNullOrEmpty(token))
        {
            LogRefused(log, "no logout_token");
            return Results.BadRequest(new { error = "invalid_request" });
        }

        var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = options.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidTypes = ["logout+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            LogRefused(log, result.Exception?.Message ?? "invalid token");
            return Results.BadRequest(new { error = "invalid_request" });
        }

        if (Problem(jwt) is { } problem)
        {
            LogRefused(log, problem);
            return Results.BadRequest(new { error = "invalid_request" });
        }

        var sid = jwt.GetClaim("sid").Value;
        ended.Ended(sid, time.GetUtcNow());
        LogLoggedOut(log, sid, jwt.Subject);
        return Results.Ok();
    }

    /// <summary>What the spec asks beyond the signature and lifetime: iat, the logout event, a sid (Ers always sends one), no nonce.</summary>
    private static string? Problem(JsonWebToken jwt)
    {
        if (!jwt.TryGetPayloadValue<long>("iat", out _))
        {
            return "no iat";
        }

        if (jwt.TryGetPayloadValue<string>("nonce", out _) || jwt.TryGetPayloadValue<object>("nonce", out _))
        {
            return "a nonce is present";
        }

        if (!jwt.TryGetPayloadValue<Dictionary<string, object>>("events", out var events) || !events.ContainsKey(LogoutEvent))
        {
            return "no back-channel logout event";
        }

        return jwt.TryGetPayloadValue<string>("sid", out var sid) && sid.Length > 0 ? null : "no sid";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Back-channel logout received: sid {Sid} (sub {Subject}) signed out")]
    private static partial void LogLoggedOut(ILogger logger, string sid, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Back-channel logout refused: {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);
}
