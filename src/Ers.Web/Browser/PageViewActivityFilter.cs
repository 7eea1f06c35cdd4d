using Ers.Cluster;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Ers.Web.Browser;

/// <summary>
/// A page view is activity: it keeps the session's idle timer fresh (throttled by <see cref="SessionView.TouchIfDueAsync"/>).
/// Pages are never cached: after the session ends, Back must not show a clinician's data.
/// </summary>
internal sealed class PageViewActivityFilter : IAsyncPageFilter
{
    // The page's own data still has to be read within the request's grain-call budget (src/Ers.Web/Requests/RequestBudget.cs),
    // so the touch may only take a little of it. A touch that takes longer finishes, or fails, on its own (still
    // within that budget); a lost page-view touch only makes the session idle out sooner, the safe side.
    private static readonly TimeSpan TouchWait = TimeSpan.FromMilliseconds(300);

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        http.Response.Headers.CacheControl = NoCache.CacheControl;
        http.Response.Headers.Pragma = NoCache.Pragma;
        if (http.Session() is { IsLive: true } session)
        {
            var touch = http.RequestServices.GetRequiredService<SessionView>().TouchIfDueAsync(session.SessionId);
            try
            {
                // The page then shows the deadlines this touch set, not the ones from before it.
                if (await touch.WaitAsync(TouchWait, http.RequestServices.GetRequiredService<TimeProvider>()) is { IsLive: true } touched)
                {
                    http.SetSession(touched);
                }
            }
            catch (TimeoutException)
            {
                // The page renders with the deadlines it has; its event stream sends the new ones.
                _ = touch.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
            catch (Exception e) when (StoreFailures.IsUnavailable(e))
            {
                // The session was read live just before; only its activity could not be recorded (see TouchWait).
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
