namespace Ers.Grains.Revocation;

/// <summary>
/// One read of a CRL source: <see cref="Bytes"/> when it changed, neither bytes nor error when it did not (same file
/// size and time, HTTP 304), else <see cref="Error"/> (a <see cref="CrlReadErrors"/> code) and what went wrong.
/// </summary>
public sealed record CrlRead(byte[]? Bytes, CrlValidators? Validators, string? Error = null, string? Detail = null)
{
    public bool Unchanged => Bytes is null && Error is null;

    public static CrlRead Refused(string error, string detail) => new(null, null, error, detail);
}
