namespace Ers.Api;

/// <summary>
/// The challenge the card must sign with its PIV Authentication key. <see cref="ChallengeToken"/> is opaque and
/// goes back unchanged with the signature; <see cref="Challenge"/> is the bytes to sign (at least 32 random bytes).
/// </summary>
public sealed record CardInsertedResponse(
    string ChallengeToken,
    byte[] Challenge,
    DateTimeOffset ExpiresAt,
    string SignatureAlgorithm,
    CertificateWarning? Warning);
