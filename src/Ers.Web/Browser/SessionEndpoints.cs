using System.Text.Json;
using Ers.Sessions;
using Ers.Web.Requests;
using Microsoft.AspNetCore.Antiforgery;

namespace Ers.Web.Browser;

/// <summary>
/// What an open page talks to: <c>GET /session/events</c> (Server-Sent Events: an <c>ended</c> event the moment
/// this node learns the session is over) and <c>POST /session/activity</c> (the user did something in the page).
/// </summary>
internal static class SessionEndpoints
{
    // How often an open stream re-reads the node-local view: a pushed end wakes it at once; this only catches an
    // end that arrived without a push (then within this tick plus the view's staleness bound).
    private static readonly TimeSpan RecheckTick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(15);

    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        // Anonymous at the routing level so a stream whose session just ended still hears why; the handler itself
        // refuses a request without an authenticated cookie.
        app.MapGet("/session/events", StreamAsync).AllowAnonymous();
        app.MapPost("/session/activity", ActivityAsync).AllowAnonymous().DisableAntiforgery();
    }

    private static async Task StreamAsync(HttpContext context, SessionView view, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (context.EndedReason() is { } ended)
        {
            await StartStreamAsync(response);
            await WriteEndedAsync(response, ended);
            return;
        }

        if (context.Session() is not { } session)
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        await StartStreamAsync(response);
        var lastWrite = time.GetUtcNow();
        var sentDeadlines = session.Deadlines;
        // A stopping node closes its streams at once (the page reconnects after `retry`, to a node that is up):
        // an open stream otherwise holds the graceful stop until the host's shutdown timeout, and while it waits the
        // silo keeps its session timers running with no heartbeats arriving (issue 14: 20.6 s stops, agent-lost).
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        while (!gone.IsCancellationRequested)
        {
            // Taken afresh each round: an entry evicted and refilled has a new token.
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource(view.EndedToken(session.SessionId), gone.Token))
            {
                try
                {
                    await Task.Delay(RecheckTick, time, wake.Token);
                }
                catch (OperationCanceledException) when (!gone.IsCancellationRequested)
                {
                    // Woken by a pushed end: fall through to read the final status.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            // Each round is a request of its own as far as the grains go: the budget of the stream's start is long spent.
            RequestBudget.Restart(context);
            var status = await view.GetAsync(session.SessionId);
            if (status is not { IsLive: true })
            {
                await WriteEndedAsync(response, status?.EndReason);
                return;
            }

            if (status.Deadlines != sentDeadlines)
            {
                // Activity in another page (or on another node) moved the deadlines: this page's countdown follows.
                sentDeadlines = status.Deadlines;
                await response.WriteAsync("event: deadlines\ndata: " + JsonSerializer.Serialize(DeadlinesDto.From(sentDeadlines), JsonSerializerOptions.Web) + "\n\n", context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                lastWrite = time.GetUtcNow();
            }
            else if (time.GetUtcNow() - lastWrite >= KeepAliveEvery)
            {
                // A comment line keeps proxies from closing an idle stream.
                await response.WriteAsync(": keep-alive\n\n", context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                lastWrite = time.GetUtcNow();
            }
        }
    }

    private static async Task<IResult> ActivityAsync(HttpContext context, SessionView view, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, type: "ers:antiforgery", title: "The request could not be verified.");
        }

        if (context.Session() is not { } session)
        {
            return Ended(context.EndedReason());
        }

        var status = await view.TouchAsync(session.SessionId);
        return status is { IsLive: true }
            ? Results.Ok(DeadlinesDto.From(status.Deadlines))
            : Ended(status?.EndReason);
    }

    private static IResult Ended(SessionEndReason? reason) =>
        Results.Json(EndedDto.For(reason), statusCode: StatusCodes.Status401Unauthorized);

    private static async Task StartStreamAsync(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers["X-Accel-Buffering"] = "no";
        // Reconnect quickly after a dropped connection so a missed end is heard soon.
        await response.WriteAsync("retry: 1000\n\n");
        await response.Body.FlushAsync();
    }

    private static async Task WriteEndedAsync(HttpResponse response, SessionEndReason? reason)
    {
        await response.WriteAsync("event: ended\ndata: " + JsonSerializer.Serialize(EndedDto.For(reason), JsonSerializerOptions.Web) + "\n\n");
        await response.Body.FlushAsync();
    }

    private sealed record DeadlinesDto(DateTimeOffset IdleWarningAt, DateTimeOffset IdleExpiresAt, DateTimeOffset AbsoluteWarningAt, DateTimeOffset AbsoluteExpiresAt)
    {
        public static DeadlinesDto From(SessionDeadlines d) => new(d.IdleWarningAt, d.IdleExpiresAt, d.AbsoluteWarningAt, d.AbsoluteExpiresAt);
    }

    private sealed record EndedDto(string Code, string Message)
    {
        public static EndedDto For(SessionEndReason? reason) => new(
            reason is { } r ? SessionEndReasons.Code(r) : "session.ended",
            $"Your session has ended: {SessionEndReasons.Describe(reason)}.");
    }
}
