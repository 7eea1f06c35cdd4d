namespace Ers;

/// <summary>
/// The audit trail could not make a record durable, so the action that needed the record was not performed (no
/// unaudited session, no unaudited refusal).
/// </summary>
[GenerateSerializer, Alias("ers.AuditUnavailableException")]
public sealed class AuditUnavailableException : StoreUnavailableException
{
    public AuditUnavailableException()
        : this("The audit trail is unavailable: the action was not performed. Try again shortly.")
    {
    }

    public AuditUnavailableException(string message)
        : base(message)
    {
    }

    public AuditUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
