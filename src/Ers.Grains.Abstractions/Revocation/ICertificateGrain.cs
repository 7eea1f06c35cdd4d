using Orleans.Concurrency;

namespace Ers.Revocation;

/// <summary>
/// One per card or workstation certificate (key: <c>{issuer hash}/{serial}</c>): the cards that logged in with it, or
/// the workstations that presented it as their client certificate at a login, so that the revocation owner ends their
/// sessions when a CRL revokes it, whichever web node served the login.
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

    /// <summary>
    /// A workstation logged a card in over mutual TLS with this certificate, starting <paramref name="sessionId"/>.
    /// One-way: a login does not wait on it. Tells the workstation it is its current certificate
    /// (<see cref="Workstations.IWorkstationGrain.CertificateUsedAsync"/>); or, when the certificate was already
    /// revoked (a login served by a node that had not yet seen the CRL), ends that session and the workstation's others.
    /// The session is named because this bind may reach the workstation before the session's own start notice does.
    /// </summary>
    [OneWay, Alias("BindWorkstation")]
    Task BindWorkstationAsync(string workstationId, string sessionId);

    /// <summary>
    /// A CRL revokes this certificate: every card bound to it is revoked (its session ends, audited once), and every
    /// workstation bound to it whose current certificate it is ends its live sessions (<c>workstation-revoked</c>).
    /// </summary>
    [Alias("Revoke")]
    Task RevokeAsync();
}
