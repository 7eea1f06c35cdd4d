using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Cards;
using Ers.Tools.Pki;
using Ers.Web.Security;

namespace Ers.Web.Tests.Security;

public sealed class CardCertificateValidatorTests : IDisposable
{
    private readonly TestPki _pki = new();

    [Fact]
    public async Task A_good_card_is_valid_with_its_user_uuid_card_uuid_and_algorithm()
    {
        await _pki.RefreshCrlsAsync();
        var card = _pki.Card(algorithm: KeyAlgorithm.EcdsaP256);

        var result = _pki.Validator.Validate(card.CertificateDer);

        Assert.True(result.IsValid, result.ErrorCode);
        Assert.Equal("555294209105", result.Card!.UserId);
        Assert.Equal(Guid.Parse(card.CardId), result.Card.CardUuid);
        Assert.Equal(CardKeyAlgorithm.EcdsaP256Sha256, result.Card.Algorithm);
        Assert.Equal(SHA256.HashData(card.CertificateDer), result.Card.CertificateHash);
        Assert.Null(result.Warning);
    }

    [Fact]
    public async Task Without_a_crl_for_the_issuer_revocation_is_unknown_and_the_card_is_refused()
    {
        var result = _pki.Validator.Validate(_pki.Card().CertificateDer);

        Assert.Equal(ApiErrorCodes.CertificateRevocationUnknown, result.ErrorCode);
        await _pki.RefreshCrlsAsync();
        Assert.True(_pki.Validator.Validate(_pki.Card().CertificateDer).IsValid);
    }

    [Fact]
    public async Task A_stale_crl_fails_closed_even_for_a_cached_certificate()
    {
        await _pki.RefreshCrlsAsync();
        var card = _pki.Card();
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid);

        _pki.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        Assert.Equal(ApiErrorCodes.CertificateRevocationUnknown, _pki.Validator.Validate(card.CertificateDer).ErrorCode);
    }

    [Fact]
    public async Task A_stale_crl_may_be_used_when_configured_and_its_revocations_still_count()
    {
        using var pki = new TestPki(new CardAuthenticationOptions { StaleCrl = StaleCrlPolicy.UseLastKnown });
        var good = pki.Card();
        var revoked = pki.Card("555294209106");
        await pki.RevokeAsync(revoked);

        pki.Time.Advance(TimeSpan.FromDays(2));

        Assert.True(pki.Validator.Validate(good.CertificateDer).IsValid);
        Assert.Equal(ApiErrorCodes.CertificateRevoked, pki.Validator.Validate(revoked.CertificateDer).ErrorCode);
    }

    [Fact]
    public async Task A_cached_validation_is_evicted_when_a_crl_refresh_revokes_the_certificate()
    {
        await _pki.RefreshCrlsAsync();
        var card = _pki.Card();
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid);
        Assert.Equal(1, _pki.Validator.CachedCount);
        IReadOnlyList<CertificateId>? announced = null;
        _pki.Crls.CertificatesRevoked += ids => announced = ids;

        await _pki.RevokeAsync(card);

        Assert.Equal(0, _pki.Validator.CachedCount);
        Assert.Equal(ApiErrorCodes.CertificateRevoked, _pki.Validator.Validate(card.CertificateDer).ErrorCode);
        Assert.Equal(DevPki.NormaliseSerial(card.SerialNumber), Assert.Single(announced!).SerialNumber);
    }

    [Fact]
    public async Task The_cache_is_keyed_by_the_certificate_bytes_and_expires_at_not_after()
    {
        await _pki.RefreshCrlsAsync();
        var card = _pki.Card(days: 3);
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid);
        Assert.True(_pki.Validator.Validate(card.CertificateDer).IsValid);
        Assert.Equal(1, _pki.Validator.CachedCount);

        var tampered = (byte[])card.CertificateDer.Clone();
        tampered[^1] ^= 0xFF;
        Assert.False(_pki.Validator.Validate(tampered).IsValid);

        _pki.Time.Advance(TimeSpan.FromHours(12));
        _pki.Pki.WriteCrls(TimeSpan.FromDays(7));
        await _pki.RefreshCrlsAsync();
        _pki.Time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(ApiErrorCodes.CertificateExpired, _pki.Validator.Validate(card.CertificateDer).ErrorCode);
    }

    [Fact]
    public async Task A_certificate_expiring_within_the_window_passes_with_a_renewal_warning()
    {
        await _pki.RefreshCrlsAsync();
        var card = _pki.Card(days: 20);

        var result = _pki.Validator.Validate(card.CertificateDer);

        Assert.True(result.IsValid);
        Assert.Equal(ApiErrorCodes.CertificateExpiresSoon, result.Warning!.Code);
        Assert.Equal(result.Card!.NotAfter, result.Warning.NotAfter);
    }

    [Fact]
    public async Task The_user_uuid_field_is_configurable()
    {
        using var pki = new TestPki(new CardAuthenticationOptions { UserIdAttribute = "CN", RequireCardUuid = false });
        await pki.RefreshCrlsAsync();
        var now = pki.Time.GetUtcNow();
        using var key = TestKeys.Rsa();
        var certificate = pki.Pki.SmartcardIssuing.Issue(new X500DistinguishedName("CN=555294209111"), key, now.AddMinutes(-5), now.AddDays(30),
            X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ClientAuthOid]);

        var result = pki.Validator.Validate(certificate.RawData);

        Assert.Equal("555294209111", result.Card!.UserId);
        Assert.Null(result.Card.CardUuid);
        var bySerialNumber = new CardCertificateValidator(new CardAuthenticationOptions(), pki.Roots, pki.Intermediates, pki.Crls, pki.Time);
        Assert.Equal(ApiErrorCodes.CertificateNoUserId, bySerialNumber.Validate(certificate.RawData).ErrorCode);
    }

    [Fact]
    public async Task A_certificate_for_server_authentication_only_is_refused()
    {
        await _pki.RefreshCrlsAsync();
        var now = _pki.Time.GetUtcNow();
        using var key = TestKeys.Rsa();
        var certificate = _pki.Pki.SmartcardIssuing.Issue(CertificateAuthority.CardSubject("A", "555294209105"), key,
            now.AddMinutes(-5), now.AddDays(30), X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ServerAuthOid]);

        Assert.Equal(ApiErrorCodes.CertificateKeyUsage, _pki.Validator.Validate(certificate.RawData).ErrorCode);
    }

    [Fact]
    public void Garbage_bytes_are_a_malformed_request()
    {
        Assert.Equal(ApiErrorCodes.RequestMalformed, _pki.Validator.Validate([0x30, 0x03, 0x01, 0x02]).ErrorCode);
    }

    [Fact]
    public async Task A_crl_not_signed_by_the_issuing_ca_is_ignored()
    {
        using var other = new TestPki(foreign: true);
        var forged = Path.Combine(_pki.Directory, "forged.crl");
        // Same issuer name, other key: a forgery that would revoke nothing and refresh nothing.
        File.Copy(DevPki.CrlPath(other.Directory, DevPki.SmartcardIssuingName), forged);
        var book = _pki.NewBook(forged);

        var errors = await _pki.RefreshCrlsAsync(book);

        Assert.Equal([Ers.Grains.Revocation.CrlReadErrors.NotVerified], errors);
        Assert.False(_pki.Crls.HasCrlFor(CertificateIds.HashOf(_pki.Intermediates[0])));
    }

    [Fact]
    public async Task The_crl_store_never_goes_back_to_an_older_crl()
    {
        await _pki.RefreshCrlsAsync();
        var card = _pki.Card();
        var older = await File.ReadAllBytesAsync(DevPki.CrlPath(_pki.Directory, DevPki.SmartcardIssuingName));
        _pki.Time.Advance(TimeSpan.FromMinutes(5));
        await _pki.RevokeAsync(card);

        await File.WriteAllBytesAsync(DevPki.CrlPath(_pki.Directory, DevPki.SmartcardIssuingName), older);
        await _pki.RefreshCrlsAsync();

        Assert.Equal(ApiErrorCodes.CertificateRevoked, _pki.Validator.Validate(card.CertificateDer).ErrorCode);
    }

    public void Dispose() => _pki.Dispose();
}
