using Ers.Cluster;

namespace Ers.Web.Browser;

/// <summary>
/// A page whose grain call failed because a store (Redis, PostgreSQL) or the cluster is briefly unreachable answers
/// 503, which the status-code pages turn into a plain "try again in a moment" page, instead of a 500.
/// </summary>
public static class StoreOutagePages
{
    private static readonly object Showing = new();

    // RFC 6749 names temporarily_unavailable for this: the client may try again shortly.
    private const string TokenUnavailable =
        "{\"error\":\"temporarily_unavailable\",\"error_description\":\"The smartcard sessions could not be reached just now: try again in a moment.\"}";

    /// <summary>True while this request shows the outage page: nothing on it may wait on the stores again.</summary>
    public static bool IsShowing(HttpContext context) => context.Items.ContainsKey(Showing);

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && StoreFailures.IsUnavailable(e))
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreOutagePages))
                .StoreUnavailable(e, context.Request.Path);
            context.Items[Showing] = true;
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            if (context.Request.Path.StartsWithSegments(Oidc.OidcRoutes.Token))
            {
                // A relying party's server reads OAuth errors, not pages (the status-code pages are off there).
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers.RetryAfter = "1";
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(TokenUnavailable);
            }
        }
    }
}
