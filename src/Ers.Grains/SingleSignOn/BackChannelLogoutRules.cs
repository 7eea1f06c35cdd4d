using System.Collections.Immutable;
using Ers.SingleSignOn;

namespace Ers.Grains.SingleSignOn;

/// <summary>
/// Which applications an ended session tells, and when each is tried again: at once, then after 1 s, 2 s, 4 s, ...
/// (<see cref="BackChannelLogoutOptions"/>) until it answers 2xx, answers a refusal no retry can change (4xx other
/// than 408 and 429), or the give-up time passes.
/// </summary>
public sealed class BackChannelLogoutRules(BackChannelLogoutOptions options)
{
    /// <summary>
    /// One pending delivery per client id that registered a logout URI (its latest sign-in wins), due now, each with
    /// the <c>jti</c> every attempt of it carries.
    /// </summary>
    public static ImmutableArray<LogoutDelivery> Plan(BackChannelLogoutOrder order, DateTimeOffset now) =>
        [.. order.Applications
            .Where(a => !string.IsNullOrWhiteSpace(a.BackChannelLogoutUri))
            .GroupBy(a => a.ClientId, StringComparer.Ordinal)
            .Select(g => new LogoutDelivery(g.Key, g.Last().BackChannelLogoutUri!, LogoutDeliveryState.Pending, 0, now, TokenId: NewTokenId()))];

    /// <summary>A logout token's <c>jti</c>: random, so it says nothing about the session.</summary>
    public static string NewTokenId() => Guid.NewGuid().ToString("N");

    /// <summary>The deliveries to attempt at <paramref name="now"/>.</summary>
    public static IEnumerable<LogoutDelivery> Due(IEnumerable<LogoutDelivery> deliveries, DateTimeOffset now) =>
        deliveries.Where(d => d.State == LogoutDeliveryState.Pending && d.NextAttemptAt <= now);

    /// <summary>When the next pending delivery is due; null when none is pending.</summary>
    public static DateTimeOffset? NextWake(IEnumerable<LogoutDelivery> deliveries) =>
        deliveries.Where(d => d.State == LogoutDeliveryState.Pending).Select(d => (DateTimeOffset?)d.NextAttemptAt).Min();

    /// <summary>A refusal no retry changes: the application understood the request and said no.</summary>
    public static bool IsFinal(int? status) => status is >= 400 and < 500 and not 408 and not 429;

    /// <summary>The delivery after one attempt at <paramref name="now"/> for a session that ended at <paramref name="endedAt"/>.</summary>
    /// <param name="delivery">The delivery before the attempt.</param>
    /// <param name="result">What the application answered.</param>
    /// <param name="endedAt">When the session ended (the give-up time counts from it).</param>
    /// <param name="now">When the attempt finished.</param>
    public LogoutDelivery After(LogoutDelivery delivery, LogoutAttemptResult result, DateTimeOffset endedAt, DateTimeOffset now)
    {
        var attempts = delivery.Attempts + 1;
        if (result.Succeeded)
        {
            return delivery with { State = LogoutDeliveryState.Delivered, Attempts = attempts, DeliveredAt = now, LastFailure = null };
        }

        var next = now + RetryDelay(attempts);
        var gaveUp = IsFinal(result.Status) || next > endedAt + options.GiveUpAfter;
        return delivery with
        {
            State = gaveUp ? LogoutDeliveryState.GaveUp : LogoutDeliveryState.Pending,
            Attempts = attempts,
            NextAttemptAt = next,
            LastFailure = result.Failure,
        };
    }

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failed attempt.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var delay = options.FirstRetryDelay;
        for (var i = 1; i < failedAttempts && delay < options.MaxRetryDelay; i++)
        {
            delay += delay;
        }

        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }
}
