namespace Ers.Tools.Pki;

/// <summary>
/// A card certificate as written to <c>.ers/pki/cards/&lt;user id&gt;-&lt;algorithm&gt;.json</c>: what a virtual card
/// needs to load. <see cref="Puk"/> is the card's PIN unblocking key (8 random digits, development cards only); a card
/// file written before cards had one has none, and the virtual card then uses the PIV default <c>12345678</c>.
/// </summary>
public sealed record IssuedCard(
    string CardId,
    string UserId,
    string Name,
    string Algorithm,
    string SerialNumber,
    string CertificatePath,
    string KeyPath,
    string PfxPath,
    DateTimeOffset NotAfter,
    string? Puk = null);
