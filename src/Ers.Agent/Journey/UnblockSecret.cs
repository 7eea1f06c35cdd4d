namespace Ers.Agent.Journey;

/// <summary>What an RA-authorised unblock asks for, in this order: the card's PUK, then the new passcode twice.</summary>
public enum UnblockSecret
{
    Puk,
    NewPin,
    NewPinAgain,
}
