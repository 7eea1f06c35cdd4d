namespace Ers.Cards;

/// <summary>
/// A certificate a card logged in with, as a CRL names it: the issuing CA (SHA-256 of the CA certificate's DER bytes,
/// upper-case hex) and the serial number (upper-case hex, no leading zero bytes); <see cref="FirstUsedAt"/> is the
/// first login with it Ers recorded.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.CardCertificate")]
public sealed record CardCertificate(
    [property: Id(0)] string IssuerHash,
    [property: Id(1)] string SerialNumber,
    [property: Id(2)] DateTimeOffset FirstUsedAt);
