using Ers.Api;

namespace Ers.Agent.Api;

/// <summary>Ers refused a call (problem details) or could not be reached (<see cref="Status"/> 0).</summary>
public sealed class AgentApiException(int status, string? code, string message) : Exception(message)
{
    /// <summary>The code used when Ers cannot be reached at all.</summary>
    public const string Unreachable = "agent.server-unreachable";

    public int Status { get; } = status;

    /// <summary>One of <see cref="ApiErrorCodes"/>, <see cref="Unreachable"/>, or null when the body had none.</summary>
    public string? Code { get; } = code;
}
