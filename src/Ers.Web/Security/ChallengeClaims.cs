namespace Ers.Web.Security;

/// <summary>What a challenge token carries; authenticated, so every field is as Ers issued it.</summary>
public sealed record ChallengeClaims(
    string ChallengeId,
    byte[] Challenge,
    string CardId,
    string WorkstationId,
    byte[] Certificate,
    DateTimeOffset ExpiresAt);
