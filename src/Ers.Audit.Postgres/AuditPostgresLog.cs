using Microsoft.Extensions.Logging;

namespace Ers.Audit.Postgres;

/// <summary>The PostgreSQL audit trail's log messages, source-generated (stable event ids).</summary>
internal static partial class AuditPostgresLog
{
    [LoggerMessage(3001, LogLevel.Error, "{Count} audit records (first {RecordId}, {Event}) could not be stored; their actions are refused")]
    public static partial void RecordsNotStored(this ILogger logger, Exception exception, int count, string recordId, string @event);
}
