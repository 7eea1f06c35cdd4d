namespace Ers.Cards;

/// <summary>Where a card is in its life, as Ers has seen it.</summary>
public enum CardState
{
    Absent = 0,
    Inserted = 1,
    Authenticated = 2,
    Blocked = 3,
    Revoked = 4,
}
