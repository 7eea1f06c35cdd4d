namespace Ers.Agent.Journey;

/// <summary>The user cancelled the passcode dialog.</summary>
public sealed class PasscodeCancelledException() : Exception("The passcode dialog was cancelled.");
