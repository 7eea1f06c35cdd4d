namespace Ers;

/// <summary>
/// Marks a grain method that may be sent again when its answer was lost: running it twice leaves the same state and
/// the same audit trail as running it once (a read, a heartbeat, ending a session that may already be ended). A
/// cluster client retries such a call after a response timeout (the first attempt may have been lost with a killed
/// silo); any other call is retried only when the cluster rejected it unrun (<c>src/Ers.Cluster/ClientRetryFilter.cs</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class IdempotentAttribute : Attribute
{
    /// <summary>
    /// The response timeout of one attempt of an idempotent call: short, because a lost attempt is retried. Reads and
    /// heartbeats answer in milliseconds; a second is generous even on a loaded node. Not for idempotent writes (ending a
    /// session audits it first): they keep the caller's full response timeout.
    /// </summary>
    public const string AttemptTimeout = "00:00:01";
}
