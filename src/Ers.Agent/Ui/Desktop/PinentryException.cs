namespace Ers.Agent.Ui.Desktop;

/// <summary>pinentry could not be started or broke the Assuan protocol.</summary>
public sealed class PinentryException(string message) : Exception(message);
