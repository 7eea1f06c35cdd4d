namespace Ers.Web.Requests;

/// <summary>Settings of the per-request grain-call budget (section <c>Ers:Web:RequestBudget</c>).</summary>
public sealed class RequestBudgetOptions
{
    public const string Section = "Ers:Web:RequestBudget";

    /// <summary>
    /// What a page or API call promises a person during a silo failover: its answer, or 503
    /// <c>service.store-unavailable</c>, within this (tests/Ers.Cluster.Tests/MultiNode/MultiNodeTests.cs asserts it).
    /// </summary>
    public static readonly TimeSpan AnswerPromise = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The most the grain calls of one HTTP request may take together, retries included, counted from the request's
    /// start. A page view makes several calls in a row (its session, its activity, its data); each waits at most what
    /// this leaves, and once it is spent the request answers 503 at once. Under <see cref="AnswerPromise"/> by the time
    /// the rest of a request takes (rendering, TLS). Enforced where the web node is a cluster client (every
    /// deployment); the embedded single-process run co-hosts its silo and has no failover to bound.
    /// </summary>
    public TimeSpan GrainCalls { get; set; } = TimeSpan.FromMilliseconds(2500);

    public IEnumerable<string> Validate()
    {
        if (GrainCalls <= TimeSpan.Zero || GrainCalls >= AnswerPromise)
        {
            yield return $"{Section}:GrainCalls must be positive and under {AnswerPromise.TotalSeconds:0} seconds (a page's answer promise during a failover).";
        }
    }
}
