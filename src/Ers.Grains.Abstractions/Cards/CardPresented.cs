namespace Ers.Cards;

/// <summary>The card as it stands after a workstation presented it, and the challenge the card must sign there.</summary>
[GenerateSerializer, Immutable, Alias("ers.CardPresented")]
public sealed record CardPresented(
    [property: Id(0)] CardSnapshot Card,
    [property: Id(1)] LoginChallenge Challenge);
