namespace Ers.Agent.Piv;

/// <summary>The card's PIN status; <see cref="TriesLeft"/> is 0 when blocked.</summary>
public readonly record struct PinStatus(PinState State, int TriesLeft);
