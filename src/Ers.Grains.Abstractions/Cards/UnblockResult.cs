namespace Ers.Cards;

/// <summary>What the card answered the agent's RESET RETRY COUNTER, as the agent reports it.</summary>
public enum UnblockResult
{
    /// <summary><c>90 00</c>: the PUK was right, the card has the new PIN and its full PIN tries.</summary>
    Unblocked = 0,

    /// <summary><c>63 Cx</c>: the PUK was wrong and cost one of its tries; the card stays blocked.</summary>
    WrongPuk = 1,

    /// <summary><c>69 83</c>: the PUK itself is blocked; only a new card (or the card's management key) helps.</summary>
    PukBlocked = 2,
}
