namespace Ers.Api;

/// <summary>The agent is alive; <see cref="SessionTokens"/> are the sessions of cards currently in its readers.</summary>
public sealed record HeartbeatRequest(IReadOnlyList<string> SessionTokens);
