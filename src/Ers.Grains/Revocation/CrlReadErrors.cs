namespace Ers.Grains.Revocation;

/// <summary>The stable codes of a refused CRL read (logged, counted in <c>ers.crl.refusals</c>, shown by <c>POST /crl/refresh</c>).</summary>
public static class CrlReadErrors
{
    /// <summary>Larger than <see cref="CrlOptions.CrlMaxBytes"/> (declared or actually sent).</summary>
    public const string TooLarge = "crl.too-large";

    /// <summary>Not complete within <see cref="CrlOptions.CrlDownloadTimeout"/>.</summary>
    public const string Timeout = "crl.timeout";

    /// <summary>The file or URL could not be read (missing file, connection refused, HTTP error status).</summary>
    public const string Unreadable = "crl.unreadable";

    /// <summary>Not a CRL, or not signed by a configured CA.</summary>
    public const string NotVerified = "crl.not-verified";

    /// <summary>Older than the CRL held from the same CA (a replayed CRL could hide a revocation): the held one stays.</summary>
    public const string Older = "crl.older";
}
