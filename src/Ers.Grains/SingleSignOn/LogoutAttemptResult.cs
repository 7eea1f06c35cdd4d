namespace Ers.Grains.SingleSignOn;

/// <summary>What one POST of a logout token got: success (2xx), or the HTTP status or transport failure.</summary>
public sealed record LogoutAttemptResult(bool Succeeded, int? Status, string? Failure)
{
    public static LogoutAttemptResult Ok(int status) => new(true, status, null);

    public static LogoutAttemptResult Failed(int? status, string failure) => new(false, status, failure);
}
