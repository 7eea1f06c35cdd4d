using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Ers.Grains.SingleSignOn;

/// <summary>
/// POSTs a logout token to an application's back-channel logout URI as the form field <c>logout_token</c>, trusting
/// the machine's CAs and <see cref="BackChannelLogoutOptions.TrustedCaFiles"/>. One pooled client for the silo.
/// </summary>
public sealed class LogoutSender : IDisposable
{
    private readonly HttpClient _client;

    public LogoutSender(IOptions<BackChannelLogoutOptions> options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false, // the spec forbids following a redirect with the token
        };
        var extra = options.Value.TrustedCaFiles.Select(f => X509Certificate2.CreateFromPem(File.ReadAllText(f))).ToArray();
        if (extra.Length > 0)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) => Trusted(presented, errors, extra);
        }

        _client = new HttpClient(handler) { Timeout = options.Value.RequestTimeout };
    }

    public async Task<LogoutAttemptResult> SendAsync(string logoutUri, string logoutToken)
    {
        try
        {
            using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", logoutToken)]);
            using var response = await _client.PostAsync(new Uri(logoutUri), content);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? LogoutAttemptResult.Ok(status) : LogoutAttemptResult.Failed(status, $"HTTP {status}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            return LogoutAttemptResult.Failed(null, e is TaskCanceledException ? "timeout" : e.GetType().Name + ": " + e.Message);
        }
    }

    public void Dispose() => _client.Dispose();

    private static bool Trusted(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2[] extra)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only the chain may fail the machine's check (its CA is one of ours); the name must still match.
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extra);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // An application's endpoint chooses its certificate: the silo never fetches the issuers it names (AIA).
        chain.ChainPolicy.DisableCertificateDownloads = true;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }
}
