namespace Ers.SingleSignOn;

/// <summary>
/// A session signed into an application (an OpenID Connect client was given a code for it): who is told when the
/// session ends. <see cref="Sid"/> and <see cref="Issuer"/> are what the application's id token carried, so its logout
/// token names the same issuer and session; <see cref="BackChannelLogoutUri"/> is null for an application that
/// registered none (it is then not told).
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.SignedInApplication")]
public sealed record SignedInApplication(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string? BackChannelLogoutUri,
    [property: Id(2)] string Sid,
    [property: Id(3)] string Issuer);
