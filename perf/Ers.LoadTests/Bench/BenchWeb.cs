using Ers.Testing.Processes;

namespace Ers.LoadTests.Bench;

/// <summary>An Ers.Web process the harness started: its pages, the agents' API, and the process (stopped on dispose).</summary>
public sealed record BenchWeb(HostProcess Host, Uri Pages, Uri AgentApi) : IAsyncDisposable
{
    public int Pid => Host.Pid;

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
