namespace Ers.ServiceDefaults;

/// <summary>A setting that is missing or wrong stops start-up with a message naming it.</summary>
public sealed class ErsConfigurationException(string message) : Exception(message);
