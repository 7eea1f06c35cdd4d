namespace Ers.Agent.PcSc;

/// <summary>What happened at a reader (or to the smartcard service as a whole).</summary>
public enum ReaderEventKind
{
    /// <summary>A card is in the reader (also reported for cards already present when watching starts).</summary>
    CardInserted,

    /// <summary>The card left the reader (or the service restarted, which ends every card session).</summary>
    CardRemoved,

    /// <summary>The smartcard service (pcscd) is not running or went away; the watcher keeps retrying.</summary>
    ServiceUnavailable,

    /// <summary>The service is reachable again after <see cref="ServiceUnavailable"/>.</summary>
    ServiceAvailable,

    /// <summary>The service runs but has no reader.</summary>
    NoReaders,
}
