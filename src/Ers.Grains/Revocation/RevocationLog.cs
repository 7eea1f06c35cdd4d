using Microsoft.Extensions.Logging;

namespace Ers.Grains.Revocation;

/// <summary>The revocation owner's log messages, source-generated.</summary>
internal static partial class RevocationLog
{
    [LoggerMessage(4001, LogLevel.Warning, "CRL source {Source} not used ({Code}): {Detail}; the CRL held before is kept")]
    public static partial void CrlReadRefused(this ILogger logger, string source, string code, string? detail);

    [LoggerMessage(4002, LogLevel.Information, "CRLs changed (version {Version}): {CardCrls} card and {WorkstationCrls} workstation CRLs held")]
    public static partial void CrlsChanged(this ILogger logger, long version, int cardCrls, int workstationCrls);

    [LoggerMessage(4003, LogLevel.Warning, "A CRL newly revokes certificate {Serial} of CA {IssuerHash}: its cards are revoked")]
    public static partial void CertificateRevoked(this ILogger logger, string serial, string issuerHash);

    [LoggerMessage(4004, LogLevel.Error, "Revoking the cards of certificate {Serial} failed; retried at the next refresh")]
    public static partial void CertificateRevocationFailed(this ILogger logger, Exception exception, string serial);

    [LoggerMessage(4005, LogLevel.Warning, "{Count} card certificates revoked by a Registration Authority published (version {Version})")]
    public static partial void CertificatesRevokedByErs(this ILogger logger, int count, long version);
}
