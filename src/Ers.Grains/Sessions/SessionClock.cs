using Ers.Sessions;

namespace Ers.Grains.Sessions;

/// <summary>The idle and absolute timeout rules: when a session warns, and when it is over.</summary>
public sealed class SessionClock(SessionOptions options)
{
    public SessionDeadlines Deadlines(DateTimeOffset createdAt, DateTimeOffset lastActivityAt)
    {
        var absoluteExpiresAt = createdAt + options.AbsoluteTimeout;
        var idleExpiresAt = Min(lastActivityAt + options.IdleTimeout, absoluteExpiresAt);
        return new SessionDeadlines(
            IdleWarningAt: idleExpiresAt - options.IdleWarning,
            IdleExpiresAt: idleExpiresAt,
            AbsoluteWarningAt: absoluteExpiresAt - options.AbsoluteWarning,
            AbsoluteExpiresAt: absoluteExpiresAt);
    }

    /// <summary>Why the session is over at <paramref name="now"/>, or null while it is still alive.</summary>
    public SessionEndReason? ExpiredReason(DateTimeOffset createdAt, DateTimeOffset lastActivityAt, DateTimeOffset now)
    {
        // The absolute limit wins when both have passed: it is the stricter promise and the one auditors ask about.
        if (now >= createdAt + options.AbsoluteTimeout)
        {
            return SessionEndReason.AbsoluteTimeout;
        }

        return now >= lastActivityAt + options.IdleTimeout ? SessionEndReason.IdleTimeout : null;
    }

    /// <summary>The next moment at which the session may expire: when its timer should next look.</summary>
    public DateTimeOffset NextExpiry(DateTimeOffset createdAt, DateTimeOffset lastActivityAt) =>
        Deadlines(createdAt, lastActivityAt).IdleExpiresAt;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
