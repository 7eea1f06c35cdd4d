namespace Ers.Api;

/// <summary>
/// The card's signature (over the SHA-256 of the <see cref="LoginStatement"/> of the challenge in
/// <see cref="ChallengeToken"/>).
/// </summary>
public sealed record CardAuthenticateRequest(string ChallengeToken, byte[] Signature);
