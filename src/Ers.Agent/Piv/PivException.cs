namespace Ers.Agent.Piv;

/// <summary>The one exception type the PIV layer throws (apart from <see cref="PcSc.SmartCardException"/>).</summary>
public sealed class PivException(PivError error, string message) : Exception(message)
{
    public PivError Error { get; } = error;
}
