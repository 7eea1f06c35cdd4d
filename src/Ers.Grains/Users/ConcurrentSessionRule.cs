using Ers.Staff;

namespace Ers.Grains.Users;

/// <summary>The per-deployment concurrent-session policy (Keycloak-style: deny new, or terminate oldest).</summary>
public static class ConcurrentSessionRule
{
    /// <summary>
    /// Decides whether a new session may join <paramref name="live"/> (oldest first). On success, names the
    /// sessions that must end so the user stays within the limit.
    /// </summary>
    public static Outcome<SessionAdmission> Admit(IReadOnlyList<LiveSessionRef> live, string newCardId, SessionOptions options)
    {
        // A new login with the same card replaces that card's session whatever the policy: one live session per card.
        var sameCard = live.Where(s => s.CardId == newCardId).Select(s => s.SessionId).ToList();
        var others = live.Where(s => s.CardId != newCardId).OrderBy(s => s.StartedAt).ToList();

        var excess = others.Count + 1 - options.MaxSessionsPerUser;
        if (excess <= 0)
        {
            return Outcome<SessionAdmission>.Success(new SessionAdmission(sameCard));
        }

        if (options.ConcurrentSessionPolicy == ConcurrentSessionPolicy.DenyNew)
        {
            return new Refusal(RefusalCodes.ConcurrentSessionDenied,
                "You are already logged in elsewhere. Remove your card there first, then try again.");
        }

        return Outcome<SessionAdmission>.Success(
            new SessionAdmission([.. sameCard, .. others.Take(excess).Select(s => s.SessionId)]));
    }
}
