namespace Ers.Grains.SingleSignOn;

/// <summary>
/// A back-channel logout grain with pending deliveries stands in the sessions' deadline index under its own id, so the
/// sweeper wakes it on another silo when its silo dies, or at its next attempt when it went to rest.
/// </summary>
public static class BackChannelLogoutIndex
{
    private const string Prefix = "bcl:";

    /// <summary>The index id of the back-channel logout of session <paramref name="sessionId"/>.</summary>
    public static string Key(string sessionId) => Prefix + sessionId;

    /// <summary>Whether an index id names a back-channel logout, and of which session.</summary>
    public static bool TryParse(string indexId, out string sessionId)
    {
        var yes = indexId.StartsWith(Prefix, StringComparison.Ordinal);
        sessionId = yes ? indexId[Prefix.Length..] : "";
        return yes;
    }
}
