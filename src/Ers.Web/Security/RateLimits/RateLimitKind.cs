namespace Ers.Web.Security.RateLimits;

/// <summary>What a rate limit is counted per; its name is the <c>ers.limit</c> attribute of <c>ers.requests.rate_limited</c>.</summary>
public enum RateLimitKind
{
    Address,
    Unidentified,
    Workstation,
    Card,
    User,
}
