namespace Ers;

/// <summary>
/// A store Ers needs (grain state, the audit trail) could not be reached, so the action was not performed and nothing
/// of it was kept. Hosts map it to HTTP 503 with the stable code <see cref="Code"/>; the caller may retry later.
/// It crosses grain calls intact so a cluster client can tell an outage from a bug.
/// </summary>
[GenerateSerializer, Alias("ers.StoreUnavailableException")]
public class StoreUnavailableException : Exception
{
    /// <summary>The stable problem code for "a store Ers needs is unreachable".</summary>
    public const string Code = "service.store-unavailable";

    public StoreUnavailableException()
        : this("A store Ers needs is unavailable: the action was not performed. Try again shortly.")
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
