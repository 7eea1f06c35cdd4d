namespace Ers.LoadTests;

/// <summary>A step failed: <see cref="Code"/> is the problem details <c>code</c>, or what went wrong on the wire.</summary>
public sealed class StepFailedException(string code, string step) : Exception($"{step}: {code}")
{
    public string Code { get; } = code;
    public string Step { get; } = step;
}
