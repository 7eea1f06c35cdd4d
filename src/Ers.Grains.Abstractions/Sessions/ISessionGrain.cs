using Ers.SingleSignOn;
using Ers.Staff;

namespace Ers.Sessions;

/// <summary>
/// One per session (key: the session id, a random GUID issued by Ers). Owns the session's state and enforces its
/// rules: role only from the user's profiles, business function only from the role's activities, idle and absolute
/// timeouts. A role is chosen once; changing it ends the session (<see cref="SessionEndReason.RoleChanged"/>).
/// Callers authenticate session ids that arrive from outside before they call this grain.
/// </summary>
[Alias("ers.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the session for a card that just proved itself. Refused when the user is unknown, holds no role
    /// profile, or the concurrent-session policy denies it. With exactly one role profile it is chosen at once.
    /// </summary>
    [Alias("Start")]
    Task<Outcome<SessionSnapshot>> StartAsync(SessionStart start);

    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Get")]
    Task<SessionSnapshot?> GetAsync();

    /// <summary>Chooses the session role (once). Refused for a profile the user does not hold.</summary>
    [Alias("SelectRole")]
    Task<Outcome<SessionSnapshot>> SelectRoleAsync(string roleProfileId);

    /// <summary>Chooses the business function for an application; must be granted by the session role.</summary>
    [Alias("SelectBusinessFunction")]
    Task<Outcome<SessionSnapshot>> SelectBusinessFunctionAsync(string application, BusinessFunction function);

    /// <summary>Records user activity (a page view, an agent heartbeat with input); keeps the idle timer fresh.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Touch")]
    Task<Outcome<SessionDeadlines>> TouchAsync();

    /// <summary>Ends the session for a reason. Ending an ended session changes nothing.</summary>
    [Idempotent, Alias("End")]
    Task EndAsync(SessionEndReason reason);

    /// <summary>
    /// The workstation's agent is alive and still holds this session. Kept in memory only (no storage write per
    /// heartbeat); after a failover the session gives the agent one full timeout from its reactivation.
    /// </summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Heartbeat")]
    Task HeartbeatAsync();

    /// <summary>
    /// The agent is alive: records the heartbeat if the session is live (an ended one stays ended) and answers whether
    /// it is, why it ended, and the heartbeat timeout and period this silo applies.
    /// </summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Beat")]
    Task<HeartbeatAnswer> BeatAsync();

    /// <summary>
    /// Ends the session (<see cref="SessionEndReason.AgentLost"/>) when its agent's heartbeats stopped for longer than
    /// the configured timeout; answers whether it did. The session's own timer calls it too.
    /// </summary>
    [Idempotent, Alias("CheckHeartbeat")]
    Task<bool> CheckHeartbeatAsync();

    /// <summary>
    /// A sweeper's wake at the deadline a resting session was filed with (<paramref name="due"/>): the session ends now
    /// if that deadline has passed, whether it was an expiry or its agent's heartbeat deadline, rather than a fresh
    /// heartbeat window after it. Answers whether it is still live.
    /// </summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("WakeAtDeadline")]
    Task<bool> WakeAtDeadlineAsync(DateTimeOffset due);

    /// <summary>Issues a one-time browser ticket for this live session.</summary>
    [Alias("IssueTicket")]
    Task<Outcome<BrowserTicket>> IssueBrowserTicketAsync();

    /// <summary>
    /// Whether a browser ticket could be redeemed now (the same refusals as <see cref="RedeemBrowserTicketAsync"/>,
    /// audited), without redeeming it: the login page asks before it shows the form that redeems by POST.
    /// </summary>
    [Alias("CheckTicket")]
    Task<Outcome<SessionSnapshot>> CheckBrowserTicketAsync(string ticketId);

    /// <summary>Redeems a browser ticket: succeeds once, within its lifetime, for a live session.</summary>
    [Alias("RedeemTicket")]
    Task<Outcome<SessionSnapshot>> RedeemBrowserTicketAsync(string ticketId);

    /// <summary>
    /// Records that this live session signed into an application (one entry per client id, the latest kept), so it
    /// is told by back-channel logout when the session ends. Answers false, recording nothing, once the session ended.
    /// </summary>
    [Idempotent, Alias("ApplicationSignedIn")]
    Task<bool> ApplicationSignedInAsync(SignedInApplication application);
}
