namespace Ers.Agent.Hosting;

public sealed class AgentConfigurationException(string message) : Exception(message);
