namespace Ers;

/// <summary>Either a value or a <see cref="Refusal"/>. Refusals are answers, not exceptions.</summary>
[GenerateSerializer, Immutable, Alias("ers.Outcome`1")]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] Refusal? Refusal)
{
    public bool IsSuccess => Refusal is null;

    public static Outcome<T> Success(T value) => new(value, null);

    public static Outcome<T> Refused(Refusal refusal) => new(default, refusal);

    public static implicit operator Outcome<T>(Refusal refusal) => Refused(refusal);
}
