namespace Ers.Agent.Journey;

/// <summary>
/// The server's challenge is not of the one shape the agent signs (a challenge id, a 32-byte nonce, a token): the
/// card is not asked to sign anything.
/// </summary>
public sealed class UnacceptableChallengeException() : Exception("The login challenge is not of the shape this agent signs.");
