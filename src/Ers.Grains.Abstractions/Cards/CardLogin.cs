namespace Ers.Cards;

/// <summary>
/// A card's answer to a challenge: the workstation that sends it (from its mutual-TLS certificate), the challenge it
/// answers, the card's signature, and the origin the agents reach Ers at (a web node's configured origin), which the
/// signed statement names.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.CardLogin")]
public sealed record CardLogin(
    [property: Id(0)] string WorkstationId,
    [property: Id(1)] string ChallengeId,
    [property: Id(2)] byte[] Signature,
    [property: Id(3)] string Origin);
