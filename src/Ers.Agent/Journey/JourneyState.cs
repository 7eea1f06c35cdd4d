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
}
