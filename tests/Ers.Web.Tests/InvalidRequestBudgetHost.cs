using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>Ers.Web with a request budget past the 3 s answer promise: it must refuse to start, naming the setting.</summary>
public sealed class InvalidRequestBudgetHost : AgentHost
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
        [new("Ers:Web:RequestBudget:GrainCalls", "00:00:05")];
}
