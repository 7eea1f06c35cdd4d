using Ers.Cards;
using Ers.Revocation;

namespace Ers.Grains.Revocation;

// Called at each login with the certificate and when a CRL revokes it: idle in between, so it leaves memory soon.
[CollectionAgeLimit(Minutes = 2)]
public sealed class CertificateGrain(
    [PersistentState("certificate", ErsStorage.State)] IPersistentState<CertificateGrainState> state) : Grain, ICertificateGrain
{
    // A certificate is on one card; a few more (re-personalised cards in a test lab) at most. Oldest dropped first.
    private const int MaxCards = 8;

    public async Task BindAsync(string cardId)
    {
        if (state.State.Revoked)
        {
            // The login was served by a node that had not yet applied the CRL: end what it started.
            await GrainFactory.GetGrain<ICardGrain>(cardId).RevokeAsync();
            return;
        }

        if (!state.State.Cards.Contains(cardId, StringComparer.Ordinal))
        {
            if (state.State.Cards.Count >= MaxCards)
            {
                state.State.Cards.RemoveAt(0);
            }

            state.State.Cards.Add(cardId);
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
    }
}
