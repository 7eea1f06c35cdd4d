using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Ers.Web.Oidc;

/// <summary>
/// Where the browser goes back to after the card login: the authorization request, remembered in a cookie of this
/// site while the user inserts the card (the login link the agent opens cannot carry it), and the protected marker
/// of a fresh login that request asked for.
/// </summary>
public sealed class OidcReturn(IDataProtectionProvider protection, TimeProvider time)
{
    public const string CookieName = "__Host-ers-oidc-return";

    /// <summary>The query parameter of the resumed request naming when the fresh login was asked for.</summary>
    public const string FreshParameter = "ers_fresh";

    /// <summary>How long a user has to log in with the card before the application must ask again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ITimeLimitedDataProtector _fresh = protection.CreateProtector("Ers.Web.Oidc.FreshLogin").ToTimeLimitedDataProtector();

    /// <summary>The moment a fresh login was asked for, when <paramref name="marker"/> is this server's and not expired.</summary>
    public DateTimeOffset? FreshSince(string? marker)
    {
        if (string.IsNullOrEmpty(marker))
        {
            return null;
        }

        try
        {
            return long.TryParse(_fresh.Unprotect(marker, out _), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Remembers the request to resume; for a fresh login without <c>prompt=login</c> and with the marker.</summary>
    public void Remember(HttpContext context, bool fresh)
    {
        var query = QueryHelpers.ParseQuery(context.Request.QueryString.Value);
        query.Remove(FreshParameter);
        if (fresh)
        {
            var now = time.GetUtcNow();
            if (query.TryGetValue("prompt", out var prompt))
            {
                var rest = string.Join(' ', prompt.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "login"));
                query.Remove("prompt");
                if (rest.Length > 0)
                {
                    query["prompt"] = rest;
                }
            }

            query[FreshParameter] = _fresh.Protect(now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), now + Lifetime);
        }

        var target = QueryHelpers.AddQueryString(OidcRoutes.Authorize, query.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
        context.Response.Cookies.Append(CookieName, target, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            // Lax: the login link arrives as a top-level navigation, and the login page's POST is same-site.
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = Lifetime,
            IsEssential = true,
        });
    }

    /// <summary>The remembered authorization request (and forgets it), or null.</summary>
    public static string? Take(HttpContext context)
    {
        var target = Peek(context);
        if (context.Request.Cookies.ContainsKey(CookieName))
        {
            context.Response.Cookies.Delete(CookieName, new CookieOptions { Secure = true, Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax });
        }

        return target;
    }

    /// <summary>The remembered authorization request, left in place; null when none (or not this site's endpoint).</summary>
    public static string? Peek(HttpContext context) =>
        // Only ever this site's own authorization endpoint: the cookie cannot send the browser anywhere else.
        context.Request.Cookies.TryGetValue(CookieName, out var target)
            && target.StartsWith(OidcRoutes.Authorize + "?", StringComparison.Ordinal) && !target.Contains('\\', StringComparison.Ordinal)
            ? target
            : null;
}
