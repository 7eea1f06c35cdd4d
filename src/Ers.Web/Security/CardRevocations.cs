using Ers.Cards;

namespace Ers.Web.Security;

/// <summary>
/// Remembers which cards authenticated with which certificate on this node, so that a CRL refresh that revokes a
/// certificate ends those cards' sessions at once. (Any node also ends a session whose token names a revoked
/// certificate on the agent's next call: see the agent API.)
/// </summary>
public sealed class CardRevocations(IGrainFactory grains, CardAuthenticationOptions options, ILogger<CardRevocations> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<CertificateId, HashSet<string>> _cards = new();

    public void Remember(CertificateId certificate, string cardId)
    {
        if (_cards.Count >= options.ValidationCacheCapacity)
        {
            // Bounded like the validation cache; what is forgotten here is still caught through session tokens.
            _cards.Clear();
        }

        var cards = _cards.GetOrAdd(certificate, _ => []);
        lock (cards)
        {
            cards.Add(cardId);
        }
    }

    public async Task RevokeAsync(IReadOnlyList<CertificateId> revoked)
    {
        foreach (var certificate in revoked)
        {
            if (!_cards.TryRemove(certificate, out var cards))
            {
                continue;
            }

            string[] ids;
            lock (cards)
            {
                ids = [.. cards];
            }

            foreach (var cardId in ids)
            {
                logger.CardCertificateRevoked(certificate.SerialNumber, cardId);
                await grains.GetGrain<ICardGrain>(cardId).RevokeAsync();
            }
        }
    }
}
