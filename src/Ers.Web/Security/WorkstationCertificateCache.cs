using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace Ers.Web.Security;

/// <summary>
/// Remembers successful workstation certificate checks only (by the certificate's SHA-256, bounded, for a few
/// minutes), so a request need not build the chain again. A failure is never remembered: ASP.NET Core's own cache
/// kept a refusal for its whole expiry, so a workstation refused while a CRL was stale stayed refused for minutes
/// after a fresh CRL arrived (issue 13, defect 6). A remembered success is still checked against the current CRL on
/// every request (<see cref="WorkstationIdentity"/>).
/// </summary>
public sealed class WorkstationCertificateCache(TimeProvider time) : ICertificateValidationCache
{
    private const int Capacity = 65_536;
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (AuthenticateResult Result, DateTimeOffset Until)> _results = new(StringComparer.Ordinal);

    public AuthenticateResult? Get(HttpContext context, X509Certificate2 certificate) =>
        _results.TryGetValue(Key(certificate), out var entry) && entry.Until > time.GetUtcNow() ? entry.Result : null;

    public void Put(HttpContext context, X509Certificate2 certificate, AuthenticateResult result)
    {
        if (!result.Succeeded)
        {
            return;
        }

        if (_results.Count >= Capacity)
        {
            _results.Clear();
        }

        _results[Key(certificate)] = (result, time.GetUtcNow() + Expiry);
    }

    private static string Key(X509Certificate2 certificate) => Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
}
