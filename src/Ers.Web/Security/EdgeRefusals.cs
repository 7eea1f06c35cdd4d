using System.Collections.Concurrent;
using System.Net;
using Ers.Grains.Telemetry;
using Ers.Web.Security.RateLimits;

namespace Ers.Web.Security;

/// <summary>
/// Refusals that anyone can cause without identifying themselves (no or an untrusted client certificate, a forged
/// login link) or that a flood causes (a rate limit): counted in the Ers meter and logged at most once per code
/// every <see cref="LogInterval"/> with the number since the last line, never audited one each, so that a flood
/// costs a counter increment rather than a durable write (issue 13, defect 4).
/// </summary>
public sealed partial class EdgeRefusals(ErsMetrics metrics, TimeProvider time, ILogger<EdgeRefusals> logger)
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Sample> _samples = new(StringComparer.Ordinal);

    /// <summary>A request refused with <paramref name="code"/> before anyone was identified.</summary>
    public void Unidentified(string code, HttpContext context)
    {
        metrics.RequestUnidentified(code);
        if (Due(code) is { } count)
        {
            LogUnidentified(code, count, context.Connection.RemoteIpAddress, context.Request.Path);
        }
    }

    /// <summary>A request refused by the <paramref name="kind"/> rate limit.</summary>
    public void RateLimited(RateLimitKind kind, HttpContext context)
    {
        var limit = Name(kind);
        metrics.RequestRateLimited(limit);
        if (Due("rate:" + limit) is { } count)
        {
            LogRateLimited(limit, count, context.Connection.RemoteIpAddress, context.Request.Path);
        }
    }

    /// <summary>The <c>ers.limit</c> attribute value of a limit.</summary>
    public static string Name(RateLimitKind kind) => kind switch
    {
        RateLimitKind.Address => "address",
        RateLimitKind.Unidentified => "unidentified",
        RateLimitKind.Workstation => "workstation",
        RateLimitKind.Card => "card",
        _ => "user",
    };

    /// <summary>Null while a line for <paramref name="key"/> was written within the interval; else the refusals since.</summary>
    private long? Due(string key)
    {
        var sample = _samples.GetOrAdd(key, _ => new Sample());
        var now = time.GetUtcNow();
        lock (sample)
        {
            sample.Count++;
            if (sample.LoggedAt is { } last && now - last < LogInterval)
            {
                return null;
            }

            var count = sample.Count;
            sample.Count = 0;
            sample.LoggedAt = now;
            return count;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused {Code} before identification: {Count} since the last such line (latest from {Address}, {Path})")]
    private partial void LogUnidentified(string code, long count, IPAddress? address, string path);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Rate limit per {Limit} refused {Count} requests since the last such line (latest from {Address}, {Path})")]
    private partial void LogRateLimited(string limit, long count, IPAddress? address, string path);

    private sealed class Sample
    {
        public long Count { get; set; }

        public DateTimeOffset? LoggedAt { get; set; }
    }
}
