namespace Ers.Web.Security.RateLimits;

/// <summary>One token bucket: at most <see cref="TokenLimit"/> requests at once, refilled by <see cref="TokensPerPeriod"/> every <see cref="ReplenishmentPeriod"/>.</summary>
public sealed class TokenBucketLimit
{
    public int TokenLimit { get; set; }

    public int TokensPerPeriod { get; set; }

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests that may wait for a token instead of being refused at once (0: none wait).</summary>
    public int QueueLimit { get; set; }

    internal IEnumerable<string> Validate(string name)
    {
        if (TokenLimit <= 0 || TokensPerPeriod <= 0 || TokensPerPeriod > TokenLimit)
        {
            yield return $"{RateLimitOptions.Section}:{name}: TokenLimit and TokensPerPeriod must be positive, TokensPerPeriod at most TokenLimit.";
        }

        if (QueueLimit < 0)
        {
            yield return $"{RateLimitOptions.Section}:{name}:QueueLimit must not be negative.";
        }

        if (ReplenishmentPeriod <= TimeSpan.Zero)
        {
            yield return $"{RateLimitOptions.Section}:{name}:ReplenishmentPeriod must be positive.";
        }
    }
}
