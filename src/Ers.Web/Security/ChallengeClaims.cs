namespace Ers.Web.Security;

/// <summary>What a challenge token names: the card and the challenge its grain issued, and the certificate presented.</summary>
public sealed record ChallengeClaims(string CardId, string ChallengeId, byte[] Certificate);
