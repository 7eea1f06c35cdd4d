using Ers.Web.Security;

namespace Ers.Web.Browser;

/// <summary>
/// Behind the ingress, TLS ends at the proxy and the pod sees plain HTTP; the session and antiforgery cookies are
/// Secure-only, and antiforgery refuses to run on a request it believes is not HTTPS. A request from a trusted proxy
/// (<c>Ers:Workstations:TrustedProxies</c>, the ingress controller's pods) that says <c>X-Forwarded-Proto: https</c>
/// is treated as the HTTPS request it was; from anyone else the header is ignored.
/// </summary>
internal sealed class ForwardedSchemeStartupFilter(TrustedProxies proxies) : IStartupFilter
{
    public const string Header = "X-Forwarded-Proto";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers[Header] is [{ } scheme] &&
                string.Equals(scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) &&
                proxies.Contains(context.Connection.RemoteIpAddress))
            {
                context.Request.Scheme = Uri.UriSchemeHttps;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
