namespace Ers.RegistrationAuthority;

/// <summary>
/// What an RA role profile may do (NHS Digital, Care Identity Management "key to roles"). Which activity codes grant
/// which permission is configuration (<c>Ers:RegistrationAuthority:Activities</c>). Values are stable: configured.
/// </summary>
public enum RaPermission
{
    /// <summary>See users, their live sessions and cards, and workstations' sessions.</summary>
    View = 1,

    /// <summary>Unlock a smartcard whose PIN is blocked.</summary>
    Unlock = 2,

    /// <summary>Cancel (revoke) a smartcard.</summary>
    Revoke = 3,

    /// <summary>Assign or remove a position (role profile).</summary>
    AssignPosition = 4,

    /// <summary>End a user's live sessions (not in the CIM table: Ers configures it like the others).</summary>
    EndSessions = 5,
}
