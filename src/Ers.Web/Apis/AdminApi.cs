using Ers.RegistrationAuthority;
using Ers.Web.Browser;

namespace Ers.Web.Apis;

/// <summary>
/// The RA actions for service desks' own tools (<c>/api/admin/v1</c>), authenticated as the RA console is: by the
/// cookie of the RA's live browser session. Bodies are JSON only (<c>application/json</c>, which a cross-site page
/// cannot send without a CORS preflight this site never grants), so the cookie alone cannot be replayed by another
/// site's form. Every answer that is not a success is RFC 7807 problem details with a stable <c>code</c>. Listed in
/// the OpenAPI document (<c>/openapi/v1.json</c>) under the tag <c>Admin</c>.
/// </summary>
public static class AdminApi
{
    public const string Prefix = "/api/admin/v1";

    public static WebApplication MapAdminApi(this WebApplication app)
    {
        var api = app.MapGroup(Prefix)
            .WithTags("Admin")
            .AddEndpointFilter(AdminApiHandlers.RequireSessionAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/me", AdminApiHandlers.MeAsync)
            .WithName("AdminMe").WithSummary("Who is acting: the RA user, the RA role profile, its organisation and permissions.");
        api.MapGet("/users/{userId}", AdminApiHandlers.UserAsync)
            .WithName("AdminUser").WithSummary("A user's role profiles, live sessions in the RA's organisations, and cards.");
        api.MapGet("/workstations/{workstationId}", AdminApiHandlers.WorkstationAsync)
            .WithName("AdminWorkstation").WithSummary("A workstation's live sessions in the RA's organisations.");
        api.MapPost("/sessions/{sessionId}/end", AdminApiHandlers.EndSessionAsync)
            .WithMetadata(new AgentRequestBody(typeof(AdminReasonRequest))).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("AdminEndSession").WithSummary("End one session (the user's pages show it was ended by their RA).");
        api.MapPost("/users/{userId}/sessions/end", AdminApiHandlers.EndUserSessionsAsync)
            .WithMetadata(new AgentRequestBody(typeof(AdminReasonRequest)))
            .WithName("AdminEndUserSessions").WithSummary("End every live session of a user in the RA's organisations.");
        api.MapPost("/cards/{cardId}/revoke", AdminApiHandlers.RevokeCardAsync)
            .WithMetadata(new AgentRequestBody(typeof(AdminReasonRequest)))
            .WithName("AdminRevokeCard").WithSummary("Revoke a card: its session ends everywhere and it can no longer log in.");
        api.MapGet("/revocations", AdminApiHandlers.RevocationsAsync)
            .WithName("AdminRevocations").WithSummary(
                "The card certificates Ers revoked for the RA role's organisation (?odsCode= names it), oldest first: issuer hash, serial, card, when, by whom, why; for the CA's CRL or OCSP responder.");
        api.MapPost("/cards/{cardId}/unblock", AdminApiHandlers.UnblockCardAsync)
            .WithMetadata(new AgentRequestBody(typeof(AdminUnblockRequest))).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("AdminUnblockCard").WithSummary("Authorise a blocked card's PIN unblock at the RA's own workstation (PUK and new passcode in the agent there).");
        api.MapPost("/directory/preview", AdminApiHandlers.PreviewDirectoryAsync)
            .WithMetadata(new AgentRequestBody(typeof(AdminDirectoryPreviewRequest))).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName("AdminPreviewDirectory").WithSummary(
                "What a staff directory file would change in the RA's organisations (users and role profiles added, removed, changed; live sessions that would end), and the fingerprint to apply it with. Changes nothing.");
        api.MapPost("/directory/apply", AdminApiHandlers.ApplyDirectoryAsync)
            .WithMetadata(new AgentRequestBody(typeof(AdminDirectoryApplyRequest)))
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName("AdminApplyDirectory").WithSummary(
                "Apply a previewed staff directory file (the same file, the preview's fingerprint and a reason): live sessions in a removed or changed role profile end (role-removed).");
        api.MapGet("/audit", AdminApiHandlers.AuditAsync)
            .Produces<Audit.AuditPage>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: Audit.Fhir.FhirAuditExport.MediaType)
            .WithName("AdminAudit").WithSummary(
                "One page of the audit records of the RA role's organisation (user, session, card, workstation, from, to, cursor, pageSize); ?format=fhir streams every page as FHIR AuditEvent NDJSON.");
        return app;
    }

    internal static IRegistrationAuthorityGrain Ra(this HttpContext context, IGrainFactory grains) =>
        grains.GetGrain<IRegistrationAuthorityGrain>(context.Session()!.SessionId);
}
