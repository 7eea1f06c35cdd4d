namespace Ers.Agent.PcSc;

/// <summary>
/// pcsc-lite result codes. They come back as 64-bit values that are not sign-extended (0x000000008010000A), so they
/// are compared as <see cref="long"/>.
/// </summary>
internal static class PcScError
{
    public const long Success = 0;
    public const long InternalError = 0x80100001;
    public const long Cancelled = 0x80100002;
    public const long InvalidHandle = 0x80100003;
    public const long InvalidParameter = 0x80100004;
    public const long InsufficientBuffer = 0x80100008;
    public const long UnknownReader = 0x80100009;
    public const long Timeout = 0x8010000A;
    public const long SharingViolation = 0x8010000B;
    public const long NoSmartcard = 0x8010000C;
    public const long ProtocolMismatch = 0x8010000F;
    public const long CommError = 0x80100013;
    public const long NotTransacted = 0x80100016;
    public const long ReaderUnavailable = 0x80100017;
    public const long NoService = 0x8010001D;
    public const long ServiceStopped = 0x8010001E;
    public const long NoReadersAvailable = 0x8010002E;
    public const long UnresponsiveCard = 0x80100066;
    public const long UnpoweredCard = 0x80100067;
    public const long ResetCard = 0x80100068;
    public const long RemovedCard = 0x80100069;

    /// <summary>The service went away; the context is dead and a new one must be established.</summary>
    public static bool IsServiceLost(long code) =>
        code is NoService or ServiceStopped or CommError or InvalidHandle;

    public static SmartCardError Classify(long code) => code switch
    {
        NoService or ServiceStopped or CommError or InvalidHandle => SmartCardError.ServiceUnavailable,
        // NotTransacted is what pcsc-lite answers when the reader driver cannot reach the card mid-command, i.e.
        // it was pulled before pcscd's next poll noticed.
        RemovedCard or NoSmartcard or NotTransacted or ResetCard or UnpoweredCard or UnknownReader or ReaderUnavailable
            => SmartCardError.CardRemoved,
        UnresponsiveCard or ProtocolMismatch => SmartCardError.CardUnresponsive,
        SharingViolation => SmartCardError.CardInUse,
        NoReadersAvailable => SmartCardError.NoReader,
        Cancelled => SmartCardError.Cancelled,
        _ => SmartCardError.Other,
    };

    public static string Describe(long code) => code switch
    {
        Success => "success",
        Cancelled => "SCARD_E_CANCELLED",
        InvalidHandle => "SCARD_E_INVALID_HANDLE",
        Timeout => "SCARD_E_TIMEOUT",
        UnknownReader => "SCARD_E_UNKNOWN_READER",
        SharingViolation => "SCARD_E_SHARING_VIOLATION",
        NoSmartcard => "SCARD_E_NO_SMARTCARD",
        CommError => "SCARD_F_COMM_ERROR",
        ReaderUnavailable => "SCARD_E_READER_UNAVAILABLE",
        NotTransacted => "SCARD_E_NOT_TRANSACTED",
        NoService => "SCARD_E_NO_SERVICE",
        ServiceStopped => "SCARD_E_SERVICE_STOPPED",
        NoReadersAvailable => "SCARD_E_NO_READERS_AVAILABLE",
        UnresponsiveCard => "SCARD_W_UNRESPONSIVE_CARD",
        RemovedCard => "SCARD_W_REMOVED_CARD",
        ResetCard => "SCARD_W_RESET_CARD",
        _ => $"0x{code:X8}",
    };
}

/// <summary>What went wrong talking to a reader, in the terms the journey acts on.</summary>
public enum SmartCardError
{
    Other,
    ServiceUnavailable,
    NoReader,
    CardRemoved,
    CardUnresponsive,
    CardInUse,
    Cancelled,
}
