namespace Ers.Api;

/// <summary>The card's answer to RESET RETRY COUNTER (NIST SP 800-73-4 part 2 §3.2.3), as the agent reports it.</summary>
public enum CardUnblockOutcome
{
    /// <summary><c>90 00</c>: the card took the PUK and the new PIN.</summary>
    Unblocked = 0,

    /// <summary><c>63 Cx</c>: a wrong PUK; x PUK tries left.</summary>
    WrongPuk = 1,

    /// <summary><c>69 83</c>: the PUK is blocked.</summary>
    PukBlocked = 2,
}
