namespace Ers.Sessions;

/// <summary>Where a session is in its life.</summary>
public enum SessionState
{
    /// <summary>No session was started under this id.</summary>
    None = 0,

    /// <summary>The card proved itself; the user has several role profiles and has not chosen one yet.</summary>
    AwaitingRole = 1,

    /// <summary>A role profile is chosen: the session is usable.</summary>
    Active = 2,

    /// <summary>Over, for the recorded <see cref="SessionEndReason"/>. An ended session never comes back.</summary>
    Ended = 3,
}
