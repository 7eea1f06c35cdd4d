namespace Ers.Observability.Tests;

/// <summary>One series of an instant-query answer.</summary>
public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";
}
