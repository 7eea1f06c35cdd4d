namespace Ers.Agent.Piv;

public enum PinState
{
    Verified,
    NotVerified,
    Blocked,
}
