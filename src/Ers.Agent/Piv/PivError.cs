namespace Ers.Agent.Piv;

/// <summary>Why a PIV operation failed. Stable: the agent maps each to a sentence for the user.</summary>
public enum PivError
{
    /// <summary>The card does not have the PIV application.</summary>
    NotPivCard,

    /// <summary>The card's answer is not what PIV allows (bad TLV, truncated, wrong length, ...).</summary>
    MalformedResponse,

    /// <summary>The card answered a status word that makes no sense for the command.</summary>
    UnexpectedStatus,

    /// <summary>The card keeps sending more data than any PIV object can hold.</summary>
    ResponseTooLong,

    /// <summary>The object (CHUID, certificate) is not on the card.</summary>
    ObjectNotFound,

    /// <summary>The certificate on the card cannot be parsed or uses an algorithm Ers does not support.</summary>
    UnsupportedCertificate,

    /// <summary>The PIN has the wrong shape (not 6-8 digits); it was not sent to the card.</summary>
    PinFormat,

    /// <summary>The card refused to sign because the PIN is not verified.</summary>
    SecurityStatusNotSatisfied,

    /// <summary>The PUK or the new PIN of a RESET RETRY COUNTER has the wrong shape; nothing was sent to the card.</summary>
    PukFormat,
}
