namespace Ers.Tools.Pki;

/// <summary>A card certificate as written to <c>.ers/pki/cards/&lt;user id&gt;-&lt;algorithm&gt;.json</c>: what a virtual card needs to load.</summary>
public sealed record IssuedCard(
    string CardId,
    string UserId,
    string Name,
    string Algorithm,
    string SerialNumber,
    string CertificatePath,
    string KeyPath,
    string PfxPath,
    DateTimeOffset NotAfter);
