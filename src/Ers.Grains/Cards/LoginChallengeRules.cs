using System.Security.Cryptography;
using Ers.Cards;

namespace Ers.Grains.Cards;

/// <summary>
/// The card grain's login challenges (issue 13: the silo issues and checks them): each is bound to the workstation
/// that presented the card and the key of the certificate it presented, answered once, before it expires. A card
/// keeps a few, each until a while after it expires (an answered one by its id only), so a late answer or a replay is
/// told "expired" or "used" rather than "unknown".
/// </summary>
public static class LoginChallengeRules
{
    /// <summary>Challenges a card keeps at most (a card is in one reader; a PIN entry answers one).</summary>
    public const int MaxKept = 16;

    /// <summary>Live challenges one workstation may hold for a card; its oldest makes way for a new one.</summary>
    public const int MaxPerWorkstation = 2;

    /// <summary>How long an expired or used challenge is remembered, so its replay is named for what it is.</summary>
    public static readonly TimeSpan KeptAfterExpiry = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Issues a fresh challenge for <paramref name="key"/> at <paramref name="workstationId"/> into
    /// <paramref name="kept"/>: forgotten ones are dropped first, then, to make room, this workstation's oldest (a
    /// workstation that presents a card over and over displaces only its own challenges), then the oldest of all.
    /// </summary>
    public static LoginChallenge Issue(IDictionary<string, IssuedChallenge> kept, string workstationId, CardKey key, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(kept);
        Forget(kept, now);
        var own = kept.Where(c => c.Value.WorkstationId == workstationId).OrderBy(c => c.Value.IssuedAt).ToList();
        if (own.Count >= MaxPerWorkstation)
        {
            kept.Remove(own[0].Key);
        }

        while (kept.Count >= MaxKept)
        {
            kept.Remove(kept.MinBy(c => c.Value.IssuedAt).Key);
        }

        var challengeId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var nonce = RandomNumberGenerator.GetBytes(Ers.Api.LoginStatement.NonceSize);
        var issued = new IssuedChallenge(nonce, workstationId, now, now + lifetime, key);
        kept[challengeId] = issued;
        return new LoginChallenge(challengeId, nonce, issued.ExpiresAt);
    }

    /// <summary>Drops the challenges, answered or not, past <see cref="KeptAfterExpiry"/>.</summary>
    public static void Forget(IDictionary<string, IssuedChallenge> kept, DateTimeOffset now, IDictionary<string, DateTimeOffset>? consumed = null)
    {
        ArgumentNullException.ThrowIfNull(kept);
        foreach (var id in kept.Where(c => c.Value.ExpiresAt + KeptAfterExpiry <= now).Select(c => c.Key).ToList())
        {
            kept.Remove(id);
        }

        foreach (var id in (consumed ?? new Dictionary<string, DateTimeOffset>()).Where(c => c.Value <= now).Select(c => c.Key).ToList())
        {
            consumed!.Remove(id);
        }
    }

    /// <summary>Answered: the challenge leaves <paramref name="kept"/> (with its key) and its id is remembered as used.</summary>
    public static void Consume(IDictionary<string, IssuedChallenge> kept, IDictionary<string, DateTimeOffset> consumed, string challengeId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(kept);
        ArgumentNullException.ThrowIfNull(consumed);
        Forget(kept, now, consumed);
        if (kept.Remove(challengeId, out var issued))
        {
            consumed[challengeId] = issued.ExpiresAt + KeptAfterExpiry;
        }

        while (consumed.Count > MaxKept)
        {
            consumed.Remove(consumed.MinBy(c => c.Value).Key);
        }
    }

    /// <summary>
    /// Whether <paramref name="workstationId"/> may answer <paramref name="issued"/> now, before its signature is
    /// checked: a challenge answered before (<paramref name="consumed"/>), one this card does not know, one past its
    /// lifetime, or one issued to another workstation is refused.
    /// </summary>
    public static Refusal? CanAnswer(IssuedChallenge? issued, bool consumed, string workstationId, DateTimeOffset now)
    {
        if (issued is null)
        {
            return consumed
                ? Used
                : new Refusal(RefusalCodes.ChallengeInvalid, "The challenge is not one Ers issued. Remove and re-insert the card.");
        }

        if (now >= issued.ExpiresAt)
        {
            return new Refusal(RefusalCodes.ChallengeExpired, "The challenge has expired. Remove and re-insert the card.");
        }

        return issued.WorkstationId == workstationId
            ? null
            : new Refusal(RefusalCodes.ChallengeOtherWorkstation, "The challenge was issued to another workstation.");
    }

    public static Refusal Used => new(RefusalCodes.ChallengeUsed, "This challenge was answered already.");

    public static Refusal SignatureInvalid => new(RefusalCodes.SignatureInvalid, "The card's signature does not match its certificate.");

    /// <summary>
    /// The statement the card must have signed, from what the silo knows (the card, the challenge it issued, the
    /// workstation that answers) and the origin the edge names; null when the origin is not one a statement can name.
    /// </summary>
    public static byte[]? Statement(string origin, string workstationId, string cardId, string challengeId, IssuedChallenge issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        try
        {
            return Ers.Api.LoginStatement.Build(origin, workstationId, cardId, challengeId, issued.Nonce);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
