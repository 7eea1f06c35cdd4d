using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Ers.Web.Security.RateLimits;

/// <summary>
/// The limits that need what only the handlers know (the workstation after its certificate, the card and user after
/// the body): partitioned token buckets from System.Threading.RateLimiting, the same limiters the ASP.NET Core
/// middleware uses for the per-address limit. Idle partitions are dropped by the limiter, so a flood of distinct keys
/// does not grow memory for long. Per web node (src/Ers.Web/Apis/README.md).
/// </summary>
public sealed class AgentRateLimiter : IDisposable
{
    private readonly bool _enabled;
    private readonly PartitionedRateLimiter<string> _workstations;
    private readonly PartitionedRateLimiter<string> _cards;
    private readonly PartitionedRateLimiter<string> _users;

    public AgentRateLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        _enabled = o.Enabled;
        _workstations = Partitioned(o.PerWorkstation);
        _cards = Partitioned(o.PerCard);
        _users = Partitioned(o.PerUser);
    }

    /// <summary>Null when allowed; else how long to wait before retrying.</summary>
    public TimeSpan? TryAcquire(RateLimitKind kind, string? key)
    {
        if (!_enabled || key is null)
        {
            return null;
        }

        var limiter = kind switch
        {
            RateLimitKind.Workstation => _workstations,
            RateLimitKind.Card => _cards,
            RateLimitKind.User => _users,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The address limit is the middleware's."),
        };
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose()
    {
        _workstations.Dispose();
        _cards.Dispose();
        _users.Dispose();
    }

    internal static TokenBucketRateLimiterOptions Bucket(TokenBucketLimit limit) => new()
    {
        TokenLimit = limit.TokenLimit,
        TokensPerPeriod = limit.TokensPerPeriod,
        ReplenishmentPeriod = limit.ReplenishmentPeriod,
        // 0 for every limit but the pacing of unidentified requests: a queued identified flood would still hold
        // connections and memory, where an unidentified one is better held waiting than answered (UnidentifiedPacer).
        QueueLimit = limit.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };

    private static PartitionedRateLimiter<string> Partitioned(TokenBucketLimit limit) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(limit)));
}
