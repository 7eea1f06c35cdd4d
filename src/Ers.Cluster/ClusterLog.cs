using Microsoft.Extensions.Logging;

namespace Ers.Cluster;

/// <summary>Ers.Cluster's log messages, source-generated (stable event ids, no cost when the level is off).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(2001, LogLevel.Information, "Imported {Count} users from {Path}")]
    public static partial void DirectoryImported(this ILogger logger, int count, string path);
}
