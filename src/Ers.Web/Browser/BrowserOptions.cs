namespace Ers.Web.Browser;

/// <summary>Settings of the clinicians' web pages (section <c>Ers:Web:Browser</c>).</summary>
public sealed class BrowserOptions
{
    public const string Section = "Ers:Web:Browser";

    /// <summary>
    /// The staleness bound of the node-local session view: a live entry older than this is re-checked with its
    /// session grain before it is trusted. Pushed session ends make entries current at once; this bound only
    /// matters when a push is missed (the hub moving to another silo, a node re-subscribing). Keep it under the
    /// 2-second live-logout promise.
    /// </summary>
    public TimeSpan SessionViewMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Page views send activity to the session grain at most this often per session and node.</summary>
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Session-view entries not used for this long are dropped (the grain answers again on the next miss).</summary>
    public TimeSpan SessionViewIdleEviction { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Session cookies held decrypted on this node (about 2 KB each); 0 turns the cache off.</summary>
    public int CookieTicketCacheSize { get; set; } = 50_000;

    /// <summary>How often the node renews its session-end subscription with the hub (well inside its lifetime).</summary>
    public TimeSpan SubscriptionRenewal { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A folder for the Data Protection key ring when the cluster is not in Redis (the embedded local run: one web
    /// node). With <c>Ers:Cluster:Provider=Redis</c> the ring lives in Redis and this is not used.
    /// </summary>
    public string? DataProtectionKeysPath { get; set; }

    /// <summary>
    /// A file holding 32 random bytes in base64 that encrypts every key-ring element where it is stored (AES-256-GCM).
    /// Required with <c>Ers:Cluster:Provider=Redis</c>; the same on every web node (mounted from a Secret).
    /// </summary>
    public string? DataProtectionKeyFile { get; set; }

    /// <summary>Key files of earlier rotations: they still decrypt the ring's older elements but never encrypt.</summary>
    public List<string> DataProtectionPreviousKeyFiles { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        if (SessionViewMaxAge <= TimeSpan.Zero || SessionViewMaxAge > TimeSpan.FromSeconds(2))
        {
            yield return $"{Section}:SessionViewMaxAge must be positive and at most 2 seconds (the live-logout promise).";
        }

        if (CookieTicketCacheSize < 0)
        {
            yield return $"{Section}:CookieTicketCacheSize must be 0 (off) or more.";
        }

        if (TouchInterval <= TimeSpan.Zero)
        {
            yield return $"{Section}:TouchInterval must be positive.";
        }

        if (SubscriptionRenewal <= TimeSpan.Zero || SubscriptionRenewal >= Ers.Sessions.ISessionEndHubGrain.SubscriptionLifetime / 2)
        {
            yield return $"{Section}:SubscriptionRenewal must be positive and under half the hub's subscription lifetime.";
        }
    }
}
