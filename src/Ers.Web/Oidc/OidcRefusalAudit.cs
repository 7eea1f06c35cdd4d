using Ers.Audit;
using Ers.Web.Security;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;

namespace Ers.Web.Oidc;

/// <summary>
/// Every OAuth error the provider answers (unknown client, wrong redirect URI, missing or wrong PKCE, a refresh for
/// an ended session...) is one audit record: event <see cref="AuditEvent.Refused"/>, reason <c>oidc.</c> + the
/// standard error code, + <c>:</c> + OpenIddict's stable error id (<c>ID2043</c>) when it gave one. Written as the
/// error response is applied, whoever decided it (OpenIddict's validation or Ers's endpoints).
/// </summary>
public sealed partial class OidcRefusalAudit(EdgeAudit trail, ILogger<OidcRefusalAudit> logger)
{
    /// <summary>Reason detail when a code or refresh token names a card session that has ended.</summary>
    public const string SessionEnded = "session-ended";

    private const string SubjectItem = "ers.oidc.refusal-subject";

    /// <summary>Names the session and user an endpoint's own refusal is about, for the record the response writes.</summary>
    /// <param name="context">The request.</param>
    /// <param name="sessionId">The session, when known.</param>
    /// <param name="userId">The user, when known.</param>
    /// <param name="detail">A detail of the reason in place of OpenIddict's error id.</param>
    public static void Name(HttpContext context, string? sessionId, string? userId, string? detail = null) =>
        context.Items[SubjectItem] = (sessionId, userId, detail);

    /// <summary>The OpenIddict event handler: records the response when it is an error.</summary>
    /// <param name="transaction">The request's transaction (its HTTP context).</param>
    /// <param name="clientId">The client the request named, if any.</param>
    /// <param name="response">The response about to be written.</param>
    public static async ValueTask OnResponseAsync(OpenIddictServerTransaction transaction, string? clientId, OpenIddictResponse response)
    {
        if (string.IsNullOrEmpty(response.Error) || transaction.GetHttpRequest()?.HttpContext is not { } http)
        {
            return;
        }

        (string? SessionId, string? UserId, string? Detail) subject = http.Items[SubjectItem] is ValueTuple<string?, string?, string?> named ? named : default;
        var id = response.ErrorUri is { } uri ? uri[(uri.LastIndexOf('/') + 1)..] : null;
        var detail = subject.Detail ?? (id is { Length: > 2 } && id.StartsWith("ID", StringComparison.Ordinal) ? id : null);
        var reason = "oidc." + response.Error + (detail is null ? "" : ":" + detail);
        await http.RequestServices.GetRequiredService<OidcRefusalAudit>().RecordAsync(reason, clientId, response.ErrorDescription, subject.SessionId, subject.UserId);
    }

    private Task RecordAsync(string reason, string? clientId, string? description, string? sessionId, string? userId)
    {
        LogRefused(reason, clientId, description);
        return trail.RecordAsync(AuditEvent.Refused, AuditOutcome.Failure, reason, sessionId, userId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenID Connect request refused: {Reason} (client {ClientId}): {Description}")]
    private partial void LogRefused(string reason, string? clientId, string? description);
}
