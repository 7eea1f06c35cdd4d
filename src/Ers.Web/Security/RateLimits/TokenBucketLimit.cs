namespace Ers.Web.Security.RateLimits;

/// <summary>One token bucket: at most <see cref="TokenLimit"/> requests at once, refilled by <see cref="TokensPerPeriod"/> every <see cref="ReplenishmentPeriod"/>.</summary>
public sealed class TokenBucketLimit
{
    public int TokenLimit { get; set; }

    public int TokensPerPeriod { get; set; }

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    internal IEnumerable<string> Validate(string name)
    {
        if (TokenLimit <= 0 || TokensPerPeriod <= 0 || TokensPerPeriod > TokenLimit)
        {
            yield return $"{RateLimitOptions.Section}:{name}: TokenLimit and TokensPerPeriod must be positive, TokensPerPeriod at most TokenLimit.";
        }

        if (ReplenishmentPeriod <= TimeSpan.Zero)
        {
            yield return $"{RateLimitOptions.Section}:{name}:ReplenishmentPeriod must be positive.";
        }
    }
}
