namespace Ers.Cards;

/// <summary>
/// What the edge learnt from a card certificate it validated (chain, policy, revocation): whose card it is and the
/// public key a login signature must verify with. The card grain binds its challenge to it, so the signature is
/// checked on the silo against the key of the certificate that was presented, never one named later.
/// </summary>
/// <param name="UserId">The user the certificate names.</param>
/// <param name="Algorithm">The card's key type and signature scheme.</param>
/// <param name="PublicKey">The certificate's SubjectPublicKeyInfo (DER).</param>
[GenerateSerializer, Immutable, Alias("ers.CardKey")]
public sealed record CardKey(
    [property: Id(0)] string UserId,
    [property: Id(1)] CardKeyAlgorithm Algorithm,
    [property: Id(2)] byte[] PublicKey);
