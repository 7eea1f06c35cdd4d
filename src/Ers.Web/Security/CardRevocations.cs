using Ers.Revocation;

namespace Ers.Web.Security;

/// <summary>
/// Tells the cluster which card logged in with which certificate, and at which workstation with which client
/// certificate (<see cref="ICertificateGrain"/>, one-way), so the revocation owner on the silo side ends that card's
/// or that workstation's sessions when a CRL revokes the certificate, whichever node served the login. (Any node also
/// ends a session whose token names a revoked certificate or CA on the agent's next call: see the agent API.)
/// </summary>
public sealed class CardRevocations(IGrainFactory grains)
{
    public void Remember(CertificateId certificate, string cardId) =>
        _ = grains.GetGrain<ICertificateGrain>($"{certificate.IssuerHash}/{certificate.SerialNumber}").BindAsync(cardId);

    public void RememberWorkstation(CertificateId? certificate, string workstationId, string sessionId)
    {
        if (certificate is { IssuerHash.Length: > 0, SerialNumber.Length: > 0 } known)
        {
            _ = grains.GetGrain<ICertificateGrain>($"{known.IssuerHash}/{known.SerialNumber}").BindWorkstationAsync(workstationId, sessionId);
        }
    }
}
