using Ers.Cards;
using Ers.Revocation;

namespace Ers.Grains.Revocation;

/// <summary>
/// The rules of the list of card certificates Ers itself revoked: an RA's revocation of a card revokes every
/// certificate the card logged in with; a certificate is listed once, with its first revocation (a later one, by
/// another RA or for another card, changes nothing a CA would publish).
/// </summary>
public static class ErsRevocations
{
    /// <summary>The list entries an RA's revocation of card <paramref name="cardId"/> makes, one per certificate it logged in with.</summary>
    public static IReadOnlyList<RevokedCertificate> Entries(string cardId, IEnumerable<CardCertificate>? certificates, CardRevocation revocation) =>
        [.. (certificates ?? []).Select(c => new RevokedCertificate(c.IssuerHash, c.SerialNumber, cardId, revocation.RevokedAt,
            revocation.RaUserId, revocation.RaRoleProfileId, revocation.OdsCode, revocation.Reason))];

    /// <summary>Adds to <paramref name="held"/> the entries whose certificate it does not list yet; true when any was added.</summary>
    public static bool Add(List<RevokedCertificate> held, IEnumerable<RevokedCertificate> added)
    {
        var listed = held.Select(Key).ToHashSet();
        var changed = false;
        foreach (var entry in added)
        {
            if (listed.Add(Key(entry)))
            {
                held.Add(entry);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>
    /// Records that a card logged in with a certificate: appended when new, the oldest dropped beyond
    /// <paramref name="max"/>. True when <paramref name="held"/> changed.
    /// </summary>
    public static bool Remember(List<CardCertificate> held, string issuerHash, string serialNumber, DateTimeOffset now, int max)
    {
        if (held.Any(c => c.IssuerHash == issuerHash && c.SerialNumber == serialNumber))
        {
            return false;
        }

        while (held.Count >= max)
        {
            held.RemoveAt(0);
        }

        held.Add(new CardCertificate(issuerHash, serialNumber, now));
        return true;
    }

    private static (string, string) Key(RevokedCertificate entry) => (entry.IssuerHash, entry.SerialNumber);
}
