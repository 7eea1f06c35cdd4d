using Ers.Api;
using Ers.Web.Security;
using Ers.Web.Security.RateLimits;

namespace Ers.Web.Apis;

/// <summary>
/// The agents' HTTPS API (<see cref="AgentApiRoutes"/>). Every route requires the workstation policy
/// (<see cref="WorkstationAuthenticationHandler"/>: its client certificate, or the ingress's forwarded one), then reads the
/// body with a size limit, then authenticates any token, and only then calls a grain.
/// </summary>
public static class AgentApi
{
    internal const string WorkstationItem = "ers:workstation-id";

    /// <summary>Maps the agent API and the OpenAPI document (<c>/openapi/v1.json</c>).</summary>
    public static WebApplication MapAgentApi(this WebApplication app)
    {
        app.MapOpenApi();
        // The per-address limit, before anything looks at a certificate (the agents' API and /login only).
        app.UseRateLimiter();

        var logger = app.Services.GetRequiredService<ILogger<AgentApiServices>>();
        var limiter = app.Services.GetRequiredService<AgentRateLimiter>();
        var edge = app.Services.GetRequiredService<EdgeRefusals>();
        var api = app.MapGroup(string.Empty)
            .WithTags("Agent")
            // Only a workstation gets past here (WorkstationAuthenticationHandler: its certificate, revocation and expiry).
            .RequireAuthorization(WorkstationAuthenticationHandler.Policy)
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                var workstationId = http.User.FindFirst(WorkstationIdentity.WorkstationIdClaim)!.Value;
                if (limiter.TryAcquire(RateLimitKind.Workstation, workstationId) is { } wait)
                {
                    edge.RateLimited(RateLimitKind.Workstation, http);
                    return RateLimitingServices.RateLimited(http, wait);
                }

                http.Items[WorkstationItem] = workstationId;
                return await next(context);
            })
            .AddEndpointFilter(async (context, next) =>
            {
                try
                {
                    return await next(context);
                }
                catch (Exception e) when (AgentApiHandlers.IsClusterUnavailable(e))
                {
                    return AgentApiHandlers.Unavailable(logger, e, context.HttpContext);
                }
            })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        Post(api, AgentApiRoutes.CardInserted, AgentApiHandlers.CardInsertedAsync)
            .WithMetadata(new AgentRequestBody(typeof(CardInsertedRequest))).Produces<CardInsertedResponse>()
            .WithName("CardInserted").WithSummary("A card was inserted: check its certificate and return a challenge to sign.");
        Post(api, AgentApiRoutes.CardAuthenticate, AgentApiHandlers.CardAuthenticateAsync)
            .WithMetadata(new AgentRequestBody(typeof(CardAuthenticateRequest))).Produces<SessionResponse>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("CardAuthenticate").WithSummary("The card's signature over the challenge: start a session.");
        Post(api, AgentApiRoutes.SelectRole, AgentApiHandlers.SelectRoleAsync)
            .WithMetadata(new AgentRequestBody(typeof(SelectRoleRequest))).Produces<SessionResponse>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("SelectRole").WithSummary("Choose the session role among the user's role profiles.");
        Post(api, AgentApiRoutes.Heartbeat, AgentApiHandlers.HeartbeatAsync)
            .WithMetadata(new AgentRequestBody(typeof(HeartbeatRequest))).Produces(StatusCodes.Status204NoContent)
            .WithName("Heartbeat").WithSummary("The agent is alive; its readers hold the cards of these sessions.");
        Post(api, AgentApiRoutes.CardRemoved, AgentApiHandlers.CardRemovedAsync)
            .WithMetadata(new AgentRequestBody(typeof(CardRemovedRequest))).Produces(StatusCodes.Status204NoContent)
            .WithName("CardRemoved").WithSummary("A card left its reader: its session ends.");
        Post(api, AgentApiRoutes.CardBlocked, AgentApiHandlers.CardBlockedAsync)
            .WithMetadata(new AgentRequestBody(typeof(CardRemovedRequest))).Produces(StatusCodes.Status204NoContent)
            .WithName("CardBlocked").WithSummary("The card reported its PIN blocked.");
        Post(api, AgentApiRoutes.CardUnblocked, AgentApiHandlers.CardUnblockedAsync)
            .WithMetadata(new AgentRequestBody(typeof(CardUnblockedRequest))).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("CardUnblocked").WithSummary("The card's answer to the RESET RETRY COUNTER an RA authorised at this workstation.");
        Post(api, AgentApiRoutes.Logout, AgentApiHandlers.LogoutAsync)
            .WithMetadata(new AgentRequestBody(typeof(SessionRequest))).Produces(StatusCodes.Status204NoContent)
            .WithName("Logout").WithSummary("End the session.");
        Post(api, AgentApiRoutes.BrowserTicket, AgentApiHandlers.BrowserTicketAsync)
            .WithMetadata(new AgentRequestBody(typeof(SessionRequest))).Produces<BrowserTicketResponse>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("BrowserTicket").WithSummary("A one-time URL that logs the browser in to this session.");
        return app;
    }

    private static RouteHandlerBuilder Post(RouteGroupBuilder group, string route, Delegate handler) =>
        group.MapPost(route, handler);
}
