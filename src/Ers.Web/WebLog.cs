namespace Ers.Web;

/// <summary>
/// Ers.Web's log messages, source-generated: each has a stable event id, and costs nothing when its level is off.
/// No message carries a PIN, a token or a certificate's bytes.
/// </summary>
internal static partial class WebLog
{
    [LoggerMessage(1001, LogLevel.Error, "Could not audit refusal {Code}")]
    public static partial void RefusalNotAudited(this ILogger logger, Exception exception, string code);

    [LoggerMessage(1003, LogLevel.Warning, "Cluster unavailable for {Path}")]
    public static partial void ClusterUnavailable(this ILogger logger, Exception exception, PathString path);

    [LoggerMessage(1004, LogLevel.Warning, "A store is unavailable for {Path}")]
    public static partial void StoreUnavailable(this ILogger logger, Exception exception, PathString path);

    [LoggerMessage(1101, LogLevel.Warning, "The session-end hub restarted; re-checking this node's sessions for missed ends")]
    public static partial void SessionEndHubRestarted(this ILogger logger);

    [LoggerMessage(1102, LogLevel.Warning, "Could not subscribe to session ends; retrying")]
    public static partial void SessionEndSubscribeFailed(this ILogger logger, Exception exception);

    [LoggerMessage(1103, LogLevel.Debug, "Could not unsubscribe from session ends")]
    public static partial void SessionEndUnsubscribeFailed(this ILogger logger, Exception exception);

    [LoggerMessage(1201, LogLevel.Information, "Certificate {Serial} revoked: revoking card {CardId}")]
    public static partial void CardCertificateRevoked(this ILogger logger, string serial, string cardId);

    [LoggerMessage(1202, LogLevel.Warning, "CRL refresh failed")]
    public static partial void CrlRefreshFailed(this ILogger logger, Exception exception);

    [LoggerMessage(1203, LogLevel.Warning, "CRL source {Source} not used: {Reason}")]
    public static partial void CrlSourceNotUsed(this ILogger logger, string source, string reason);

    // Debug: anyone can cause it, as fast as they like; the sampled, counted line of EdgeRefusals is the operator's.
    [LoggerMessage(1204, LogLevel.Debug, "Workstation certificate refused from {Address}: {Reason}")]
    public static partial void WorkstationCertificateRefused(this ILogger logger, System.Net.IPAddress? address, string reason);
}
