namespace Ers;

/// <summary>
/// Why Ers said no: a stable machine-readable <see cref="Code"/> (never renamed: agents, pages and auditors key on
/// it) and a plain sentence for people.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.Refusal")]
public sealed record Refusal([property: Id(0)] string Code, [property: Id(1)] string Message);
