using Orleans.Concurrency;

namespace Ers.Staff;

/// <summary>
/// One per user (key: the 12-digit user UUID). Holds the user's directory entry, their live sessions and the last
/// role they chose.
/// </summary>
[Alias("ers.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>The user's directory entry, or null when the directory does not know them.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetProfile")]
    Task<StaffUser?> GetProfileAsync();

    /// <summary>Replaces the user's name and role profiles in one step (a directory import).</summary>
    [Alias("Import")]
    Task ImportAsync(StaffUser user);

    /// <summary>The user's live sessions, oldest first.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetLiveSessions")]
    Task<IReadOnlyList<LiveSessionRef>> GetLiveSessionsAsync();

    /// <summary>The role profile the user chose last, if any.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetLastRole")]
    Task<string?> GetLastRoleProfileIdAsync();

    /// <summary>
    /// Asks to admit a new session under the deployment's concurrent-session policy. On success the session is
    /// recorded as live and the answer names the sessions that must end to make room (terminate-oldest policy).
    /// </summary>
    [Alias("AdmitSession")]
    Task<Outcome<SessionAdmission>> AdmitSessionAsync(string sessionId, string cardId);

    /// <summary>Records that a session of this user ended (one-way: sent by the ending session).</summary>
    [Alias("SessionEnded"), OneWay]
    Task SessionEndedAsync(string sessionId);

    /// <summary>The ids of the cards the user logged in with (most recent last; a few at most), for the RA console.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetCards")]
    Task<IReadOnlyList<string>> GetCardIdsAsync();

    /// <summary>Records the role profile chosen in one of the user's sessions.</summary>
    [Alias("RoleChosen")]
    Task RoleChosenAsync(string roleProfileId);

    /// <summary>
    /// Replaces the user's name and role profiles in one step, as <see cref="ImportAsync"/>, and answers with the
    /// entry replaced and the live sessions, so the caller ends those whose role profile was removed or changed (this
    /// grain does not call them: a session choosing its role calls this grain).
    /// </summary>
    [Alias("ReplaceProfile")]
    Task<ProfileReplaced> ReplaceProfileAsync(StaffUser user);
}
