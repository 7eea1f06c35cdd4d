using Ers.Cards;
using Ers.Revocation;
using Ers.Sessions;
using Ers.Workstations;

namespace Ers.Grains.Revocation;

// Called at each login with the certificate and when a CRL revokes it: idle in between, so it leaves memory soon.
[CollectionAgeLimit(Minutes = 2)]
public sealed class CertificateGrain(
    [PersistentState("certificate", ErsStorage.State)] IPersistentState<CertificateGrainState> state) : Grain, ICertificateGrain
{
    // A certificate is on one card; a few more (re-personalised cards in a test lab) at most. Oldest dropped first.
    private const int MaxCards = 8;

    // A workstation certificate is one workstation's; a re-imaged machine keeping its id may add one more.
    private const int MaxWorkstations = 4;

    public async Task BindAsync(string cardId)
    {
        if (state.State.Revoked)
        {
            // The login was served by a node that had not yet applied the CRL: end what it started.
            await GrainFactory.GetGrain<ICardGrain>(cardId).RevokeAsync();
            return;
        }

        if (Remember(state.State.Cards, cardId, MaxCards))
        {
            await state.WriteStateAsync();
        }

        // The card owns the list of its certificates (an RA's revocation of the card revokes them). A login bound
        // after an RA revoked the card (this call is one-way, the revocation is not) is published here.
        if (this.GetPrimaryKeyString().Split('/', 2) is not [var issuer, var serial])
        {
            return;
        }

        if (await GrainFactory.GetGrain<ICardGrain>(cardId).CertificateUsedAsync(issuer, serial) is { } revocation)
        {
            await GrainFactory.GetGrain<IRevocationGrain>(0).RevokeCertificatesFromCertificateAsync(
                ErsRevocations.Entries(cardId, [new CardCertificate(issuer, serial, revocation.RevokedAt)], revocation));
        }
    }

    public async Task BindWorkstationAsync(string workstationId, string sessionId)
    {
        var workstation = GrainFactory.GetGrain<IWorkstationGrain>(workstationId);
        if (state.State.Revoked)
        {
            await GrainFactory.GetGrain<ISessionGrain>(sessionId).EndAsync(SessionEndReason.WorkstationRevoked);
            await workstation.CertificateRevokedAsync(this.GetPrimaryKeyString());
            return;
        }

        if (Remember(state.State.Workstations, workstationId, MaxWorkstations))
        {
            await state.WriteStateAsync();
        }

        await workstation.CertificateUsedAsync(this.GetPrimaryKeyString());
    }

    public async Task RevokeAsync()
    {
        if (!state.State.Revoked)
        {
            state.State.Revoked = true;
            await state.WriteStateAsync();
        }

        foreach (var cardId in state.State.Cards)
        {
            // Idempotent: a card already revoked is neither audited nor ended again.
            await GrainFactory.GetGrain<ICardGrain>(cardId).RevokeAsync();
        }

        foreach (var workstationId in state.State.Workstations)
        {
            // Idempotent too: a workstation with no live session, or renewed to another certificate, ends nothing.
            await GrainFactory.GetGrain<IWorkstationGrain>(workstationId).CertificateRevokedAsync(this.GetPrimaryKeyString());
        }
    }

    // Adds an id not yet held, dropping the oldest past the bound; true when the list changed.
    private static bool Remember(List<string> ids, string id, int max)
    {
        if (ids.Contains(id, StringComparer.Ordinal))
        {
            return false;
        }

        if (ids.Count >= max)
        {
            ids.RemoveAt(0);
        }

        ids.Add(id);
        return true;
    }
}
