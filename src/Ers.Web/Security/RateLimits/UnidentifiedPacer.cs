using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Ers.Web.Security.RateLimits;

/// <summary>
/// Paces the answers to requests refused before their workstation is known (no or an untrusted client certificate),
/// per client address: within <see cref="RateLimitOptions.UnidentifiedPerClientAddress"/> the refusal is sent at once;
/// beyond it, it waits (asynchronously, holding no thread) for the bucket to refill, and only when more than its
/// queue are already waiting is the request answered 429 at once and its connection closed. An HTTP/1.1 client has
/// one request in flight per connection, so a flood that waits for its answers, as every such client does, is held
/// to the paced rate and costs Ers.Web almost no CPU, while an identified workstation at the same address is never
/// paced (the measured effect: docs/performance/report.md, "Logins during a flood"). Per web node.
/// </summary>
public sealed class UnidentifiedPacer : IDisposable
{
    private readonly bool _enabled;
    private readonly PartitionedRateLimiter<string> _addresses;

    public UnidentifiedPacer(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        _enabled = o.Enabled;
        _addresses = PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetTokenBucketLimiter(address, _ => AgentRateLimiter.Bucket(o.UnidentifiedPerClientAddress)));
    }

    /// <summary>
    /// Waits until the refusal of <paramref name="context"/> may be answered: null then, or, when too many refusals
    /// from its address already wait, how long the client should wait before retrying. A client that gives up
    /// while waiting leaves the queue (the wait ends with the request).
    /// </summary>
    public async ValueTask<TimeSpan?> PaceAsync(HttpContext context)
    {
        if (!_enabled)
        {
            return null;
        }

        using var lease = await _addresses.AcquireAsync(RateLimitingServices.ClientAddress(context), 1, context.RequestAborted);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    /// <summary>How many refusals from <paramref name="address"/> are waiting now.</summary>
    public long Waiting(string address) => _addresses.GetStatistics(address)?.CurrentQueuedCount ?? 0;

    public void Dispose() => _addresses.Dispose();
}
