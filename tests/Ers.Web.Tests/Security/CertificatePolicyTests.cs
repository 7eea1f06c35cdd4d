using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Tools.Pki;
using Ers.Web.Security;

namespace Ers.Web.Tests.Security;

/// <summary>
/// Issue 13, defect 9: the card certificate must carry the clientAuth EKU (configurable), the configured certificate
/// policy OIDs, and a card UUID; a PIV Card Authentication (9E) style certificate, usable without a PIN, is refused.
/// </summary>
public sealed class CertificatePolicyTests : IDisposable
{
    private const string PivAuthenticationPolicy = "2.16.840.1.101.3.2.1.3.13";
    private const string PivCardAuthEku = "2.16.840.1.101.3.6.8";

    private readonly TestPki _pki = new();

    [Fact]
    public async Task A_certificate_without_any_extended_key_usage_is_refused()
    {
        await _pki.RefreshCrlsAsync();

        var result = _pki.Validator.Validate(Issue(_pki, ekus: [], policies: []).RawData);

        Assert.Equal(ApiErrorCodes.CertificateKeyUsage, result.ErrorCode);
    }

    [Fact]
    public async Task A_piv_card_authentication_style_certificate_is_refused()
    {
        await _pki.RefreshCrlsAsync();

        var result = _pki.Validator.Validate(Issue(_pki, ekus: [PivCardAuthEku], policies: []).RawData);

        Assert.Equal(ApiErrorCodes.CertificateKeyUsage, result.ErrorCode);
    }

    [Fact]
    public async Task A_certificate_without_a_card_uuid_is_refused()
    {
        await _pki.RefreshCrlsAsync();

        var result = _pki.Validator.Validate(Issue(_pki, ekus: [CertificateAuthority.ClientAuthOid], policies: [], withCardId: false).RawData);

        Assert.Equal(ApiErrorCodes.CertificateNoCardId, result.ErrorCode);
    }

    [Fact]
    public async Task Required_policy_oids_are_checked_when_configured()
    {
        using var pki = new TestPki(new CardAuthenticationOptions { RequiredPolicyOids = [PivAuthenticationPolicy] });
        await pki.RefreshCrlsAsync();

        var without = pki.Validator.Validate(Issue(pki, ekus: [CertificateAuthority.ClientAuthOid], policies: ["2.16.840.1.101.3.2.1.3.6"]).RawData);
        var with = pki.Validator.Validate(Issue(pki, ekus: [CertificateAuthority.ClientAuthOid], policies: ["2.16.840.1.101.3.2.1.3.6", PivAuthenticationPolicy]).RawData);

        Assert.Equal(ApiErrorCodes.CertificatePolicy, without.ErrorCode);
        Assert.True(with.IsValid, with.ErrorCode);
    }

    [Fact]
    public async Task The_required_extended_key_usages_are_configurable()
    {
        using var pki = new TestPki(new CardAuthenticationOptions { RequiredExtendedKeyUsages = [CertificateAuthority.SmartCardLogonOid] });
        await pki.RefreshCrlsAsync();

        Assert.Equal(ApiErrorCodes.CertificateKeyUsage,
            pki.Validator.Validate(Issue(pki, ekus: [CertificateAuthority.ClientAuthOid], policies: []).RawData).ErrorCode);
        Assert.True(pki.Validator.Validate(Issue(pki, ekus: [CertificateAuthority.SmartCardLogonOid], policies: []).RawData).IsValid);
    }

    [Fact]
    public async Task A_dev_pki_card_still_passes_the_defaults()
    {
        await _pki.RefreshCrlsAsync();

        Assert.True(_pki.Validator.Validate(_pki.Card().CertificateDer).IsValid);
    }

    public void Dispose() => _pki.Dispose();

    /// <summary>A card certificate from the test issuing CA with exactly these EKUs and certificate policies.</summary>
    private static X509Certificate2 Issue(TestPki pki, string[] ekus, string[] policies, bool withCardId = true)
    {
        var now = pki.Time.GetUtcNow();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(CertificateAuthority.CardSubject("Dr Amelia Hart", "555294209105"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (ekus.Length > 0)
        {
            var oids = new OidCollection();
            foreach (var oid in ekus)
            {
                oids.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        if (policies.Length > 0)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                foreach (var policy in policies)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(policy);
                    }
                }
            }

            request.CertificateExtensions.Add(new X509Extension("2.5.29.32", writer.Encode(), false));
        }

        if (withCardId)
        {
            request.CertificateExtensions.Add(CertificateAuthority.CardSubjectAlternativeName(Guid.NewGuid()));
        }

        var issuer = pki.Pki.SmartcardIssuing.Certificate;
        var generator = X509SignatureGenerator.CreateForRSA(issuer.GetRSAPrivateKey()!, RSASignaturePadding.Pkcs1);
        return request.Create(issuer.SubjectName, generator, now.AddMinutes(-5), now.AddDays(30), RandomNumberGenerator.GetBytes(16));
    }
}
