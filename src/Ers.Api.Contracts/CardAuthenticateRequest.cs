namespace Ers.Api;

/// <summary>The card's signature over <see cref="CardInsertedResponse.Challenge"/>.</summary>
public sealed record CardAuthenticateRequest(string ChallengeToken, byte[] Signature);
