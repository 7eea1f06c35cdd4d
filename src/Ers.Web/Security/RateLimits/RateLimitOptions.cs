namespace Ers.Web.Security.RateLimits;

/// <summary>
/// Configuration section <c>Ers:RateLimits</c>: request rate limits of the agents' API and the login page, per web
/// node. The defaults are ceilings far above one real agent (a login is two requests, a heartbeat one every 10 s)
/// and high enough for the benchmark harnesses that drive a whole fleet through one workstation or address;
/// a deployment sets its own (src/Ers.Web/Apis/README.md).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Ers:RateLimits";

    /// <summary>Off: no limit at all (the counters of refusals still count).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Per client address (the connection's, or the last <c>X-Forwarded-For</c> hop from a trusted proxy), before any certificate work.</summary>
    public TokenBucketLimit PerClientAddress { get; set; } = new() { TokenLimit = 40_000, TokensPerPeriod = 20_000 };

    /// <summary>
    /// Answers to requests refused before their workstation is known, per client address (<see cref="UnidentifiedPacer"/>):
    /// beyond this rate they wait for a token, up to <see cref="TokenBucketLimit.QueueLimit"/> at once; more are
    /// answered 429 at once. A misconfigured workstation is refused anyway and loses nothing by waiting.
    /// </summary>
    public TokenBucketLimit UnidentifiedPerClientAddress { get; set; } = new() { TokenLimit = 200, TokensPerPeriod = 50, QueueLimit = 256 };

    /// <summary>Per authenticated workstation (its certificate's CN).</summary>
    public TokenBucketLimit PerWorkstation { get; set; } = new() { TokenLimit = 600, TokensPerPeriod = 300 };

    /// <summary>Per card id reported (inserted, removed, blocked, authenticated).</summary>
    public TokenBucketLimit PerCard { get; set; } = new() { TokenLimit = 200, TokensPerPeriod = 100 };

    /// <summary>Per user UUID, once a certificate or token names it.</summary>
    public TokenBucketLimit PerUser { get; set; } = new() { TokenLimit = 200, TokensPerPeriod = 100 };

    public IEnumerable<string> Validate() =>
        PerClientAddress.Validate(nameof(PerClientAddress))
            .Concat(UnidentifiedPerClientAddress.Validate(nameof(UnidentifiedPerClientAddress)))
            .Concat(PerWorkstation.Validate(nameof(PerWorkstation)))
            .Concat(PerCard.Validate(nameof(PerCard)))
            .Concat(PerUser.Validate(nameof(PerUser)));
}
