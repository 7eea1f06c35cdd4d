using Microsoft.AspNetCore.Mvc.Filters;

namespace Ers.Web.Browser;

/// <summary>
/// A page view is activity: it keeps the session's idle timer fresh (throttled by <see cref="SessionView.TouchIfDueAsync"/>).
/// Pages are never cached: after the session ends, Back must not show a clinician's data.
/// </summary>
internal sealed class PageViewActivityFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        http.Response.Headers.CacheControl = NoCache.CacheControl;
        http.Response.Headers.Pragma = NoCache.Pragma;
        if (http.Session() is { IsLive: true } session)
        {
            // The page then shows the deadlines this touch set, not the ones from before it.
            if (await http.RequestServices.GetRequiredService<SessionView>().TouchIfDueAsync(session.SessionId) is { IsLive: true } touched)
            {
                http.SetSession(touched);
            }
        }

        await next();
    }
}

/// <summary>
/// The page cache headers: exactly what antiforgery sets on a page with a form, so it has nothing to override (it would
/// otherwise log a warning on every form page; at a national peak that is a console write per login).
/// </summary>
internal static class NoCache
{
    public const string CacheControl = "no-cache, no-store";
    public const string Pragma = "no-cache";
}
