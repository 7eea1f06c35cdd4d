namespace Ers.Agent.Journey;

/// <summary>Where a reader's journey is.</summary>
public enum JourneyState
{
    Waiting,
    Reading,
    AwaitingPin,
    Verifying,
    Authenticating,
    SelectingRole,
    Active,
    Blocked,
    Failed,
    Ended,

    /// <summary>An RA authorised unblocking the blocked card here: the agent asks for the PUK and a new passcode.</summary>
    Unblocking,

    /// <summary>The card took the PUK and the new passcode; it is removed and logs in with the new passcode.</summary>
    Unblocked,
}
