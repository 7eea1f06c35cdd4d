namespace Ers.Web.Security;

/// <summary>A challenge issued to a card.</summary>
public sealed record IssuedChallenge(string Token, byte[] Challenge, DateTimeOffset ExpiresAt, string ChallengeId);
