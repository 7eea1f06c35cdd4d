namespace Ers.Grains;

/// <summary>Session rules a deployment configures (section <c>Ers:Sessions</c>).</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Ers:Sessions";

    /// <summary>No activity for this long ends the session (e-RS: 10 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long before the idle timeout pages show the countdown.</summary>
    public TimeSpan IdleWarning { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A session never lasts longer than this, activity or not (e-RS: 8 hours).</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long before the absolute timeout pages warn (e-RS: 10 minutes).</summary>
    public TimeSpan AbsoluteWarning { get; set; } = TimeSpan.FromMinutes(10);

    public ConcurrentSessionPolicy ConcurrentSessionPolicy { get; set; } = ConcurrentSessionPolicy.TerminateOldest;

    /// <summary>Live sessions one user may hold at once (one per card in practice).</summary>
    public int MaxSessionsPerUser { get; set; } = 1;

    /// <summary>No heartbeat from a workstation's agent for this long ends its sessions (fail safe).</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a one-time browser ticket can be redeemed.</summary>
    public TimeSpan BrowserTicketLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a card may take to answer its login challenge (PIN entry included), 5 s to 10 minutes.</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Refuses settings that would make the rules meaningless; names the setting at fault.</summary>
    public IEnumerable<string> Validate()
    {
        if (IdleTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:IdleTimeout must be positive.";
        }

        if (IdleWarning < TimeSpan.Zero || IdleWarning >= IdleTimeout)
        {
            yield return $"{SectionName}:IdleWarning must be at least zero and shorter than IdleTimeout.";
        }

        if (AbsoluteTimeout < IdleTimeout)
        {
            yield return $"{SectionName}:AbsoluteTimeout must not be shorter than IdleTimeout.";
        }

        if (AbsoluteWarning < TimeSpan.Zero || AbsoluteWarning >= AbsoluteTimeout)
        {
            yield return $"{SectionName}:AbsoluteWarning must be at least zero and shorter than AbsoluteTimeout.";
        }

        if (MaxSessionsPerUser < 1)
        {
            yield return $"{SectionName}:MaxSessionsPerUser must be at least 1.";
        }

        if (HeartbeatTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:HeartbeatTimeout must be positive.";
        }

        if (BrowserTicketLifetime <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:BrowserTicketLifetime must be positive.";
        }

        if (ChallengeLifetime < TimeSpan.FromSeconds(5) || ChallengeLifetime > TimeSpan.FromMinutes(10))
        {
            yield return $"{SectionName}:ChallengeLifetime must be between 5 seconds and 10 minutes.";
        }
    }
}
