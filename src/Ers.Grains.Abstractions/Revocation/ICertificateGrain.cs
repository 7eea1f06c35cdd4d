using Orleans.Concurrency;

namespace Ers.Revocation;

/// <summary>
/// One per card certificate (key: <c>{issuer hash}/{serial}</c>): the cards that logged in with it, so that the
/// revocation owner ends their sessions when a CRL revokes it, whichever web node served the login.
/// </summary>
[Alias("ers.ICertificateGrain")]
public interface ICertificateGrain : IGrainWithStringKey
{
    /// <summary>
    /// A card logged in with this certificate. One-way: a login does not wait on it. Revokes the card at once when the
    /// certificate was already revoked (a login served by a node that had not yet seen the CRL); otherwise tells the
    /// card its certificate (<see cref="Cards.ICardGrain.CertificateUsedAsync"/>), and publishes the certificate as
    /// revoked when an RA had revoked the card already (a login bound after the revocation).
    /// </summary>
    [OneWay, Alias("Bind")]
    Task BindAsync(string cardId);

    /// <summary>A CRL revokes this certificate: every card bound to it is revoked (its session ends, audited once).</summary>
    [Alias("Revoke")]
    Task RevokeAsync();
}
