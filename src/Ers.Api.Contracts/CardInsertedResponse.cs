namespace Ers.Api;

/// <summary>
/// The challenge the card must answer with its PIV Authentication key. <see cref="ChallengeToken"/> is opaque and
/// goes back unchanged with the signature. The card signs no bytes of the server's choosing: the agent builds the
/// <see cref="LoginStatement"/> from its own server origin, workstation id and card id with
/// <see cref="ChallengeId"/> (1 to 64 ASCII letters and digits; Ers issues 32 hex digits) and <see cref="Nonce"/>
/// (exactly <see cref="LoginStatement.NonceSize"/> random bytes), and refuses a challenge of any other shape.
/// <see cref="UnblockAuthorized"/> says a Registration Authority has authorised unblocking this card's PIN at this
/// workstation (an open order): an agent that finds the card blocked asks for the PUK and a new PIN, runs the card's
/// RESET RETRY COUNTER and reports the outcome (<see cref="AgentApiRoutes.CardUnblocked"/>).
/// </summary>
public sealed record CardInsertedResponse(
    string ChallengeToken,
    string ChallengeId,
    byte[] Nonce,
    DateTimeOffset ExpiresAt,
    string SignatureAlgorithm,
    CertificateWarning? Warning,
    bool UnblockAuthorized = false);
