namespace Ers.Sessions;

/// <summary>Why a session ended. Values are stable: they are stored and audited.</summary>
public enum SessionEndReason
{
    CardRemoved = 1,
    Logout = 2,
    IdleTimeout = 3,
    AbsoluteTimeout = 4,
    Superseded = 5,
    AgentLost = 6,
    Revoked = 7,
    RoleChanged = 8,

    /// <summary>The embedded single-process Ers stopped: its in-memory state could not outlive the stop.</summary>
    ServerStopped = 9,

    /// <summary>A Registration Authority ended the session from the RA console or the admin API (audited with who did it).</summary>
    EndedByRa = 10,

    /// <summary>
    /// The session's role profile was removed from its user in the staff directory, or changed there (the session's
    /// copy of it would be stale); audited, with the directory change that caused it.
    /// </summary>
    RoleRemoved = 11,

    /// <summary>
    /// A CRL revoked the client certificate of the session's workstation: the revocation owner ended it at once, on
    /// the silo side, as it ends a revoked card's sessions.
    /// </summary>
    WorkstationRevoked = 12,
}
