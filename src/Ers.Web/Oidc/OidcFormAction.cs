using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;

namespace Ers.Web.Oidc;

/// <summary>
/// The one place outside Ers a form on Ers's pages may lead to, as a CSP <c>form-action</c> source: the registered
/// redirect URI of the client whose authorization request is being answered or waits on this login. Chromium holds a
/// form submission, and every redirect after it, to the policy of the page that submitted it; so the card login's POST
/// (src/Ers.Web/Pages/Login.cshtml.cs, or the role page's, src/Ers.Web/Pages/Role.cshtml.cs), redirected to the resumed
/// authorization and on to the application with the code in the query, is blocked unless that page allows the
/// application's redirect URI. Only a URI OpenIddict's store has registered for that client is ever allowed.
/// </summary>
public static class OidcFormAction
{
    /// <summary>The pages whose form submission resumes a remembered authorization request (<see cref="OidcReturn.Take"/>).</summary>
    public static readonly string[] ResumePages = ["/login", "/role"];

    /// <summary>The source for the authorization request remembered in this browser; null when none or not registered.</summary>
    public static Task<string?> PendingAsync(HttpContext context)
    {
        if (OidcReturn.Peek(context) is not { } target)
        {
            return Task.FromResult<string?>(null);
        }

        var query = QueryHelpers.ParseQuery(target[target.IndexOf('?', StringComparison.Ordinal)..]);
        return ForAsync(context, query["client_id"].ToString(), query["redirect_uri"].ToString());
    }

    /// <summary>The source for <paramref name="redirectUri"/> when it is registered for <paramref name="clientId"/>, else null.</summary>
    /// <param name="context">The request (its services: the provider's application store).</param>
    /// <param name="clientId">The client the request names.</param>
    /// <param name="redirectUri">The redirect URI the request names.</param>
    public static async Task<string?> ForAsync(HttpContext context, string? clientId, string? redirectUri)
    {
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(redirectUri)
            || context.RequestServices.GetService<IOpenIddictApplicationManager>() is not { } applications)
        {
            return null;
        }

        var application = await applications.FindByClientIdAsync(clientId, context.RequestAborted);
        return application is not null && await applications.ValidateRedirectUriAsync(application, redirectUri, context.RequestAborted)
            ? Source(redirectUri)
            : null;
    }

    /// <summary>A redirect URI as a CSP source expression (scheme, host, port, path; no query), or null when it cannot be one.</summary>
    public static string? Source(string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.HostNameType == UriHostNameType.IPv6)
        {
            return null;
        }

        // ';' ends a directive and ',' a policy: escaped, as a path may carry them; Uri has escaped whitespace and quotes.
        var source = uri.GetLeftPart(UriPartial.Path).Replace(";", "%3B", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
        return source.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\'') ? null : source;
    }
}
