using System.Text.Json;
using System.Text.Json.Serialization;
using Ers.Api;
using Ers.Cards;
using Ers.RegistrationAuthority;
using Ers.Web.Browser;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ers.Web.Apis;

/// <summary>
/// The admin API's handlers: each reads its input, calls the RA grain of the caller's own session (which decides,
/// audits and acts) and turns its outcome into a typed result. No rule is decided here.
/// </summary>
public static class AdminApiHandlers
{
    private const int MaxBody = 4 * 1024;

    // A directory file of up to 1 MB (the silo's limit) in its JSON envelope.
    private const int MaxDirectoryBody = 1024 * 1024 + 4 * 1024;

    // Enums (card state, permissions) as their names: a client keys on them, and numbers would tie it to the enum's order.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Refuses a request without the cookie of a live session before any handler runs.</summary>
    public static async ValueTask<object?> RequireSessionAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Session() is null)
        {
            return Problem(StatusCodes.Status401Unauthorized, ApiErrorCodes.SessionRequired, http.EndedReason() is { } ended
                ? $"Your session has ended: {Sessions.SessionEndReasons.Describe(ended)}. Log in again with your smartcard."
                : "Log in with your smartcard and choose your RA role first; the API uses that browser session.");
        }

        try
        {
            return await next(context);
        }
        catch (StoreUnavailableException e)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, StoreUnavailableException.Code, e.Message);
        }
    }

    public static async Task<Results<JsonHttpResult<RaContext>, ProblemHttpResult>> MeAsync(HttpContext context, IGrainFactory grains) =>
        Answer(await context.Ra(grains).OpenAsync());

    public static async Task<Results<JsonHttpResult<RaUserView>, ProblemHttpResult>> UserAsync(string userId, HttpContext context, IGrainFactory grains) =>
        Answer(await context.Ra(grains).GetUserAsync(userId));

    public static async Task<Results<JsonHttpResult<RaWorkstationView>, ProblemHttpResult>> WorkstationAsync(string workstationId, HttpContext context, IGrainFactory grains) =>
        Answer(await context.Ra(grains).GetWorkstationAsync(workstationId));

    public static async Task<Results<JsonHttpResult<RaSessionsEnded>, ProblemHttpResult>> EndSessionAsync(string sessionId, HttpContext context, IGrainFactory grains)
    {
        var (body, code) = await AgentRequests.ReadAsync<AdminReasonRequest>(context, MaxBody);
        return body is null ? Malformed(code!) : Answer(await context.Ra(grains).EndSessionAsync(sessionId, body.Reason));
    }

    public static async Task<Results<JsonHttpResult<RaSessionsEnded>, ProblemHttpResult>> EndUserSessionsAsync(string userId, HttpContext context, IGrainFactory grains)
    {
        var (body, code) = await AgentRequests.ReadAsync<AdminReasonRequest>(context, MaxBody);
        return body is null ? Malformed(code!) : Answer(await context.Ra(grains).EndUserSessionsAsync(userId, body.Reason));
    }

    public static async Task<Results<JsonHttpResult<RaCardRow>, ProblemHttpResult>> RevokeCardAsync(string cardId, HttpContext context, IGrainFactory grains)
    {
        var (body, code) = await AgentRequests.ReadAsync<AdminReasonRequest>(context, MaxBody);
        return body is null ? Malformed(code!) : Answer(await context.Ra(grains).RevokeCardAsync(cardId, body.Reason));
    }

    public static async Task<Results<JsonHttpResult<RaRevocations>, ProblemHttpResult>> RevocationsAsync(string? odsCode, HttpContext context, IGrainFactory grains) =>
        Answer(await context.Ra(grains).GetRevocationsAsync(odsCode));

    public static async Task<Results<JsonHttpResult<UnblockOrder>, ProblemHttpResult>> UnblockCardAsync(string cardId, HttpContext context, IGrainFactory grains)
    {
        var (body, code) = await AgentRequests.ReadAsync<AdminUnblockRequest>(context, MaxBody);
        return body is null
            ? Problem(code == ApiErrorCodes.RequestTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
                code!, "Send an empty JSON object ({}) as application/json.")
            : Answer(await context.Ra(grains).AuthorizeUnblockAsync(cardId));
    }

    public static async Task<Results<JsonHttpResult<RaDirectoryPreview>, ProblemHttpResult>> PreviewDirectoryAsync(HttpContext context, IGrainFactory grains)
    {
        var (body, code) = await AgentRequests.ReadAsync<AdminDirectoryPreviewRequest>(context, MaxDirectoryBody);
        return body is null
            ? DirectoryMalformed(code!)
            : Answer(await context.Ra(grains).PreviewDirectoryImportAsync(body.Directory.GetRawText()));
    }

    public static async Task<Results<JsonHttpResult<RaDirectoryApplied>, ProblemHttpResult>> ApplyDirectoryAsync(HttpContext context, IGrainFactory grains)
    {
        var (body, code) = await AgentRequests.ReadAsync<AdminDirectoryApplyRequest>(context, MaxDirectoryBody);
        return body is null
            ? DirectoryMalformed(code!)
            : Answer(await context.Ra(grains).ApplyDirectoryImportAsync(body.Directory.GetRawText(), body.Fingerprint, body.Reason));
    }

    public static async Task<IResult> AuditAsync(HttpContext context, IGrainFactory grains)
    {
        var fhir = string.Equals(context.Request.Query["format"], "fhir", StringComparison.OrdinalIgnoreCase);
        var (filter, error) = RaAuditInput.Read(context.Request.Query, fhir);
        if (filter is null)
        {
            return Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.RequestMalformed, error!);
        }

        var ra = context.Ra(grains);
        if (!fhir)
        {
            return Answer(await ra.SearchAuditAsync(filter));
        }

        var refusal = await RaAuditExport.WriteAsync(ra, filter with { Cursor = null }, context.Response);
        return refusal is null ? TypedResults.Empty : Problem(RaRefusalStatus.For(refusal.Code), refusal.Code, refusal.Message);
    }

    private static Results<JsonHttpResult<T>, ProblemHttpResult> Answer<T>(Outcome<T> outcome) =>
        outcome.Refusal is { } refusal
            ? Problem(RaRefusalStatus.For(refusal.Code), refusal.Code, refusal.Message)
            : TypedResults.Json(outcome.Value!, Json);

    private static ProblemHttpResult Malformed(string code) => Problem(
        code == ApiErrorCodes.RequestTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
        code, "Send a JSON body (application/json) such as {\"reason\": \"card reported lost\"}.");

    private static ProblemHttpResult DirectoryMalformed(string code) => Problem(
        code == ApiErrorCodes.RequestTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
        code, "Send a JSON body (application/json): {\"directory\": {\"users\": [...]}} to preview, with \"fingerprint\" and \"reason\" to apply.");

    private static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: code, type: "urn:ers:problem:" + code,
            extensions: new Dictionary<string, object?> { ["code"] = code });
}
