using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Grains.Revocation;
using Ers.Tools.Pki;
using Ers.Web.Security;

namespace Ers.Web.Tests.Security;

/// <summary>
/// Issue 13, defect 6, on the validator and the silo's CRL logic without a host: a revoked issuing CA refuses a
/// cached card, the stale window is a setting and a fresh CRL restores logins at once, an oversized CRL is refused
/// with the held one kept.
/// </summary>
public sealed class RevocationChainTests : IDisposable
{
    private readonly TestPki _pki = new();

    [Fact]
    public async Task Revoking_the_issuing_ca_refuses_a_card_whose_validation_is_cached()
    {
        var rootCrl = Path.Combine(_pki.Directory, "root.crl");
        await File.WriteAllBytesAsync(rootCrl, RootCrl(revokeIssuing: false));
        var book = _pki.NewBook(DevPki.CrlPath(_pki.Directory, DevPki.SmartcardIssuingName), rootCrl);
        Assert.Equal([null, null], await _pki.RefreshCrlsAsync(book));
        var card = _pki.Card();
        var valid = _pki.Validator.Validate(card.CertificateDer);
        Assert.True(valid.IsValid, valid.ErrorCode);
        Assert.Equal(1, _pki.Validator.CachedCount);

        _pki.Time.Advance(TimeSpan.FromMinutes(1));
        await File.WriteAllBytesAsync(rootCrl, RootCrl(revokeIssuing: true));
        Assert.Equal([null, null], await _pki.RefreshCrlsAsync(book));

        var refused = _pki.Validator.Validate(card.CertificateDer);
        Assert.Equal(ApiErrorCodes.CertificateRevoked, refused.ErrorCode);
        Assert.Equal("The card's issuing CA has been revoked.", refused.Message);
        // A session token names only the card certificate: its issuing CA is looked up too.
        Assert.Equal(RevocationStatus.Revoked, _pki.Validator.CheckRevocation(valid.Card!.Id));
    }

    [Fact]
    public async Task A_certificate_Ers_revoked_is_refused_as_revoked_though_its_CRL_does_not_list_it_and_its_cached_validation_is_evicted()
    {
        await _pki.RefreshCrlsAsync();
        var card = _pki.Card();
        var other = _pki.Card("555294209106");
        var valid = _pki.Validator.Validate(card.CertificateDer);
        Assert.True(valid.IsValid, valid.ErrorCode);
        Assert.True(_pki.Validator.Validate(other.CertificateDer).IsValid);
        Assert.Equal(2, _pki.Validator.CachedCount);
        var crls = _pki.Book.Snapshot(0, _pki.Time.GetUtcNow()).CardCrls;
        var newly = new List<CertificateId>();
        _pki.Crls.CertificatesRevoked += newly.AddRange;

        Assert.Equal([valid.Card!.Id], _pki.Crls.Apply(crls, [valid.Card.Id]));

        Assert.Equal([valid.Card.Id], newly);
        Assert.Equal(1, _pki.Validator.CachedCount); // evicted, not merely refused on its next hit
        var refused = _pki.Validator.Validate(card.CertificateDer);
        Assert.Equal(ApiErrorCodes.CertificateRevoked, refused.ErrorCode);
        Assert.Equal(RevocationStatus.Revoked, _pki.Validator.CheckRevocation(valid.Card.Id));
        Assert.True(_pki.Validator.Validate(other.CertificateDer).IsValid, "another card of the same CA is untouched");
        Assert.Empty(_pki.Crls.Apply(crls, [valid.Card.Id])); // the same list again revokes nothing new
    }

    [Fact]
    public async Task Past_next_update_the_stale_window_still_admits_then_refuses_and_a_fresh_crl_restores_at_once()
    {
        _pki.CrlOptions.CrlMaxStaleness = TimeSpan.FromHours(1);
        await _pki.RefreshCrlsAsync(); // TestPki's CRLs are valid for one day
        var card = _pki.Card();
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid);

        _pki.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(30));
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid, "within the stale window");

        _pki.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(ApiErrorCodes.CertificateRevocationUnknown, _pki.Validator.Validate(card.CertificateDer).ErrorCode);

        _pki.Pki.WriteCrls(TimeSpan.FromDays(1));
        await _pki.RefreshCrlsAsync();
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid, "a fresh CRL admits the card again, no wait");
    }

    [Fact]
    public async Task An_oversized_crl_is_refused_and_the_crl_held_before_is_kept()
    {
        await _pki.RefreshCrlsAsync();
        var card = _pki.Card();
        var other = _pki.Card("555294209106");
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid);
        var held = new FileInfo(DevPki.CrlPath(_pki.Directory, DevPki.SmartcardIssuingName)).Length;

        _pki.CrlOptions.CrlMaxBytes = held + 10; // the next CRL, with a revoked serial, is larger
        _pki.Time.Advance(TimeSpan.FromMinutes(1));
        _pki.Pki.Revoke(other.SerialNumber);
        _pki.Pki.WriteCrls(TimeSpan.FromDays(1));
        var errors = await _pki.RefreshCrlsAsync();

        Assert.Equal([CrlReadErrors.TooLarge], errors);
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid, "the CRL held before still counts");
        Assert.True(_pki.Validator.Validate(other.CertificateDer).IsValid, "the refused CRL revoked nothing");
        var status = Assert.Single(_pki.Book.Snapshot(0, _pki.Time.GetUtcNow()).Sources);
        Assert.Equal(CrlReadErrors.TooLarge, status.LastError);
        Assert.Equal(1, status.ConsecutiveFailures);
    }

    [Fact]
    public async Task A_crl_download_that_is_too_slow_or_too_large_is_abandoned_at_its_bound()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            // First: headers, then a body that never ends (slow). Second: a chunked body without end (large).
            using var slow = await listener.AcceptTcpClientAsync();
            await WriteAsync(slow, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123");
            using var large = await listener.AcceptTcpClientAsync();
            await WriteAsync(large, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            var chunk = "1000\r\n" + new string('x', 4096) + "\r\n";
            try
            {
                for (var i = 0; i < 64; i++)
                {
                    await WriteAsync(large, chunk);
                }
            }
            catch (IOException)
            {
                // The reader hung up at its bound, as it should.
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
        });
        using var http = new HttpClient();
        var reader = new CrlReader(http);
        var url = $"http://127.0.0.1:{port}/ca.crl";

        var slowRead = await reader.ReadAsync(url, null, new CrlOptions { CrlDownloadTimeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);
        var largeRead = await reader.ReadAsync(url, null, new CrlOptions { CrlMaxBytes = 64 * 1024 }, CancellationToken.None);

        Assert.Equal(CrlReadErrors.Timeout, slowRead.Error);
        Assert.Equal(CrlReadErrors.TooLarge, largeRead.Error);
    }

    [Fact]
    public async Task An_unchanged_crl_url_costs_a_conditional_get_answered_not_modified()
    {
        var crl = await File.ReadAllBytesAsync(DevPki.CrlPath(_pki.Directory, DevPki.SmartcardIssuingName));
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var requests = new List<string>();
        var serve = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var buffer = new byte[8192];
                var read = await client.GetStream().ReadAsync(buffer);
                var request = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                requests.Add(request);
                if (request.Contains("If-None-Match: \"v1\"", StringComparison.OrdinalIgnoreCase))
                {
                    await WriteAsync(client, "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n");
                }
                else
                {
                    await WriteAsync(client, $"HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Length: {crl.Length}\r\nConnection: close\r\n\r\n");
                    await client.GetStream().WriteAsync(crl);
                }
            }
        });
        using var http = new HttpClient();
        var reader = new CrlReader(http);
        var url = $"http://127.0.0.1:{port}/ca.crl";

        var first = await reader.ReadAsync(url, null, new CrlOptions(), CancellationToken.None);
        var second = await reader.ReadAsync(url, first.Validators, new CrlOptions(), CancellationToken.None);
        await serve;

        Assert.Equal(crl, first.Bytes);
        Assert.True(second.Unchanged, second.Error);
        Assert.Contains("If-None-Match: \"v1\"", requests[1], StringComparison.OrdinalIgnoreCase);
    }

    private static async Task WriteAsync(System.Net.Sockets.TcpClient client, string text) =>
        await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(text));

    private byte[] RootCrl(bool revokeIssuing)
    {
        var now = _pki.Time.GetUtcNow();
        var issuing = _pki.Intermediates[0];
        RevokedSerial[] revoked = revokeIssuing
            ? [new RevokedSerial(Convert.ToHexString(issuing.SerialNumberBytes.Span), now, X509RevocationReason.CACompromise)]
            : [];
        return _pki.Pki.SmartcardRoot.BuildCrl(revoked, new BigInteger(now.ToUnixTimeMilliseconds()), now.AddMinutes(-1), now.AddDays(1));
    }

    public void Dispose() => _pki.Dispose();
}
