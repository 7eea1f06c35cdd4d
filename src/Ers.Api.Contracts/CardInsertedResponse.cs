namespace Ers.Api;

/// <summary>
/// The challenge the card must answer with its PIV Authentication key. <see cref="ChallengeToken"/> is opaque and
/// goes back unchanged with the signature. The card signs no bytes of the server's choosing: the agent builds the
/// <see cref="LoginStatement"/> from its own server origin, workstation id and card id with
/// <see cref="ChallengeId"/> (1 to 64 ASCII letters and digits; Ers issues 32 hex digits) and <see cref="Nonce"/>
/// (exactly <see cref="LoginStatement.NonceSize"/> random bytes), and refuses a challenge of any other shape.
/// </summary>
public sealed record CardInsertedResponse(
    string ChallengeToken,
    string ChallengeId,
    byte[] Nonce,
    DateTimeOffset ExpiresAt,
    string SignatureAlgorithm,
    CertificateWarning? Warning);
