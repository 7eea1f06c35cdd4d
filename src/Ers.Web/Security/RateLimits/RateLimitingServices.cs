using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Ers.Api;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Ers.Web.Security.RateLimits;

/// <summary>
/// ASP.NET Core rate limiting (<c>Microsoft.AspNetCore.RateLimiting</c>) for the agents' API and the login page:
/// per client address in the middleware, before any certificate work; per workstation, card and user in the
/// handlers through <see cref="AgentRateLimiter"/>. Every refusal is 429 <c>request.rate-limited</c> with
/// Retry-After, counted (<see cref="EdgeRefusals"/>), not audited.
/// </summary>
public static class RateLimitingServices
{
    public static IServiceCollection AddErsRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => !o.Validate().Any(), $"Invalid {RateLimitOptions.Section} settings: each limit needs a positive TokenLimit, TokensPerPeriod (at most TokenLimit) and ReplenishmentPeriod")
            .ValidateOnStart();
        services.AddSingleton<AgentRateLimiter>();
        services.AddSingleton<UnidentifiedPacer>();
        services.AddSingleton<EdgeRefusals>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            var limit = limits.Value;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                limit.Enabled && IsLimited(context.Request.Path)
                    ? RateLimitPartition.GetTokenBucketLimiter(ClientAddress(context), _ => AgentRateLimiter.Bucket(limit.PerClientAddress))
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            o.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                rejected.HttpContext.RequestServices.GetRequiredService<EdgeRefusals>().RateLimited(RateLimitKind.Address, rejected.HttpContext);
                return new ValueTask(RateLimited(rejected.HttpContext, retryAfter).ExecuteAsync(rejected.HttpContext));
            };
        });
        return services;
    }

    /// <summary>The 429 answer: problem <c>request.rate-limited</c> and a Retry-After in whole seconds.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult RateLimited(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Apis.AgentApiHandlers.Problem(StatusCodes.Status429TooManyRequests, ApiErrorCodes.RateLimited,
            $"Too many requests. Try again in {seconds} s.");
    }

    private static bool IsLimited(PathString path) =>
        path.StartsWithSegments(AgentApiRoutes.Prefix, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/login", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The connection's address, or, from the ingress (<see cref="IngressTrust"/>), the last hop it names in
    /// <c>X-Forwarded-For</c> (the one the proxy itself saw; earlier hops are the client's own claim).
    /// </summary>
    internal static string ClientAddress(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (IngressTrust.IsFromIngress(context) && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded
            && IPAddress.TryParse(forwarded.Split(',')[^1].Trim(), out var client))
        {
            return CardAuthenticationServices.Normalise(client).ToString();
        }

        return remote is null ? "unknown" : CardAuthenticationServices.Normalise(remote).ToString();
    }
}
