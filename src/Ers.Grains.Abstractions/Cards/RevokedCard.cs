namespace Ers.Cards;

/// <summary>A card a Registration Authority revoked, and the certificates it logged in with (to publish as revoked).</summary>
[GenerateSerializer, Immutable, Alias("ers.RevokedCard")]
public sealed record RevokedCard(
    [property: Id(0)] CardSnapshot Card,
    [property: Id(1)] IReadOnlyList<CardCertificate> Certificates);
