namespace Ers.Agent.PcSc;

/// <summary>A PC/SC call failed. <see cref="Error"/> says what to do about it; <see cref="Code"/> is the raw code.</summary>
public sealed class SmartCardException(SmartCardError error, long code, string operation)
    : Exception($"{operation} failed: {PcScError.Describe(code)} ({error})")
{
    public SmartCardError Error { get; } = error;

    public long Code { get; } = code;
}
