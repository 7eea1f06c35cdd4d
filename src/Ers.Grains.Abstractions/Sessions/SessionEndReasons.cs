namespace Ers.Sessions;

/// <summary>How an end reason is written for machines (audit, pages' codes) and said to people.</summary>
public static class SessionEndReasons
{
    /// <summary>The stable code of an end reason, as audited and shown to pages.</summary>
    public static string Code(SessionEndReason reason) => reason switch
    {
        SessionEndReason.CardRemoved => "card-removed",
        SessionEndReason.Logout => "logout",
        SessionEndReason.IdleTimeout => "idle-timeout",
        SessionEndReason.AbsoluteTimeout => "absolute-timeout",
        SessionEndReason.Superseded => "superseded",
        SessionEndReason.AgentLost => "agent-lost",
        SessionEndReason.Revoked => "revoked",
        SessionEndReason.RoleChanged => "role-changed",
        SessionEndReason.ServerStopped => "server-stopped",
        SessionEndReason.EndedByRa => "ended-by-ra",
        SessionEndReason.RoleRemoved => "role-removed",
        SessionEndReason.WorkstationRevoked => "workstation-revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The end reason in words a clinician understands.</summary>
    public static string Describe(SessionEndReason? reason) => reason switch
    {
        SessionEndReason.CardRemoved => "your smartcard was removed",
        SessionEndReason.Logout => "you logged out",
        SessionEndReason.IdleTimeout => "there was no activity for too long",
        SessionEndReason.AbsoluteTimeout => "the maximum session length was reached",
        SessionEndReason.Superseded => "you logged in somewhere else",
        SessionEndReason.AgentLost => "your workstation stopped responding",
        SessionEndReason.Revoked => "your smartcard was revoked",
        SessionEndReason.RoleChanged => "you changed role",
        SessionEndReason.ServerStopped => "the service was restarted",
        SessionEndReason.EndedByRa => "your Registration Authority (RA) ended it",
        SessionEndReason.RoleRemoved => "your role profile was removed or changed in the staff directory",
        SessionEndReason.WorkstationRevoked => "this workstation's certificate was revoked",
        _ => "it is no longer valid",
    };
}
