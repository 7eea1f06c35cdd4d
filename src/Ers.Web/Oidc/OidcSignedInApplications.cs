using System.Text.Json;
using Ers.Oidc.Store;
using Ers.SingleSignOn;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace Ers.Web.Oidc;

/// <summary>What the silo keeps of a sign-in: the client, its back-channel logout URI, and the id token's sid and issuer.</summary>
public static class OidcSignedInApplications
{
    public static async Task<SignedInApplication> DescribeAsync(HttpContext http, IOpenIddictApplicationManager applications, string clientId, string sessionId)
    {
        string? logoutUri = null;
        if (await applications.FindByClientIdAsync(clientId, http.RequestAborted) is { } application)
        {
            var properties = await applications.GetPropertiesAsync(application, http.RequestAborted);
            if (properties.TryGetValue(OidcClientRegistration.BackChannelLogoutProperty, out var uri) && uri.ValueKind == JsonValueKind.String)
            {
                logoutUri = uri.GetString();
            }
        }

        return new SignedInApplication(clientId, logoutUri, OidcClaims.PublicSessionId(sessionId), IssuerOf(http));
    }

    /// <summary>The issuer OpenIddict puts in this request's tokens: the configured one, else the request's own base URI.</summary>
    private static string IssuerOf(HttpContext http)
    {
        var transaction = http.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction;
        var issuer = transaction?.Options.Issuer ?? transaction?.BaseUri
            ?? throw new InvalidOperationException("OpenIddict passed through a request without its transaction.");
        return issuer.AbsoluteUri;
    }
}
