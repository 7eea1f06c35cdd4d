using Ers.Audit;

namespace Ers.Web.Browser;

/// <summary>
/// Audit records the web pages write themselves (login-link refusals decided before a grain, browser sessions
/// replaced). The trail is the co-hosted silo's; a web host that is only a cluster client has none and logs instead.
/// A record that cannot be made durable fails the request (no unaudited replacement of a browser session).
/// </summary>
public sealed partial class BrowserAudit(IServiceProvider services, TimeProvider time, ILogger<BrowserAudit> logger)
{
    private readonly Lazy<IAuditTrail?> _trail = new(() => services.GetService<IAuditTrail>());

    public async Task RecordAsync(AuditEvent kind, AuditOutcome outcome, string reason, string? sessionId, string? userId)
    {
        if (_trail.Value is not { } trail)
        {
            LogNoTrail(kind, reason);
            return;
        }

        await trail.AppendAsync(new AuditRecord(Guid.NewGuid(), time.GetUtcNow(), kind, outcome, reason, UserId: userId, SessionId: sessionId));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Browser {Event} {Reason} (no audit trail in this host)")]
    private partial void LogNoTrail(AuditEvent @event, string reason);
}
