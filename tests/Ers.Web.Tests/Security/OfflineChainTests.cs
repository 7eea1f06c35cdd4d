using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Web.Security;

namespace Ers.Web.Tests.Security;

/// <summary>
/// The issuer check that runs before any chain is built for a client certificate (<see cref="OfflineChain"/>): the
/// issuer's name and its signature, for the key types a workstation CA may have. The RSA path runs on the real agents'
/// port in CertificateDownloadTests; these are the shapes the development PKI does not issue.
/// </summary>
public sealed class OfflineChainTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly X500DistinguishedName CaName = new("CN=Ers Workstation CA, O=Ers");

    [Theory]
    [InlineData("nistP256", "SHA256")]
    [InlineData("nistP384", "SHA384")]
    [InlineData("nistP521", "SHA512")]
    public void A_certificate_an_ecdsa_ca_signed_is_admitted_and_one_another_key_signed_under_its_name_is_not(string curve, string hash)
    {
        using var caKey = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        using var impostorKey = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var algorithm = new HashAlgorithmName(hash);
        using var ca = EcdsaCa(caKey, algorithm);
        using var impostor = EcdsaCa(impostorKey, algorithm);

        Assert.True(OfflineChain.IsIssuedByOneOf(Leaf(X509SignatureGenerator.CreateForECDsa(caKey), algorithm), [Public(ca)]));
        Assert.False(OfflineChain.IsIssuedByOneOf(Leaf(X509SignatureGenerator.CreateForECDsa(impostorKey), algorithm), [Public(ca)]));
        Assert.True(OfflineChain.IsIssuedByOneOf(Leaf(X509SignatureGenerator.CreateForECDsa(impostorKey), algorithm), [Public(ca), Public(impostor)]));
    }

    [Fact]
    public void A_certificate_signed_with_rsassa_pss_is_not_admitted_even_by_its_own_ca()
    {
        using var caKey = RSA.Create(2048);
        using var ca = new CertificateRequest(CaName, caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(Now.AddDays(-1), Now.AddDays(30));

        Assert.True(OfflineChain.IsIssuedByOneOf(Leaf(X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256), [Public(ca)]));
        Assert.False(OfflineChain.IsIssuedByOneOf(Leaf(X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pss), HashAlgorithmName.SHA256), [Public(ca)]));
    }

    [Fact]
    public void A_certificate_whose_issuer_name_differs_is_not_admitted_whatever_signed_it()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = EcdsaCa(caKey, HashAlgorithmName.SHA256);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=WS-TEST-0001", key, HashAlgorithmName.SHA256);
        using var leaf = request.Create(new X500DistinguishedName("CN=Ers Workstation CA, O=Elsewhere"),
            X509SignatureGenerator.CreateForECDsa(caKey), Now.AddDays(-1), Now.AddDays(30), [1, 2, 3]);

        Assert.False(OfflineChain.IsIssuedByOneOf(leaf, [Public(ca)]));
    }

    private static X509Certificate2 EcdsaCa(ECDsa key, HashAlgorithmName hash) =>
        new CertificateRequest(CaName, key, hash).CreateSelfSigned(Now.AddDays(-1), Now.AddDays(30));

    private static X509Certificate2 Public(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    /// <summary>A workstation certificate under <see cref="CaName"/>, signed by <paramref name="issuer"/> with <paramref name="hash"/>.</summary>
    private static X509Certificate2 Leaf(X509SignatureGenerator issuer, HashAlgorithmName hash)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=WS-TEST-0001", key, hash);
        return request.Create(CaName, issuer, Now.AddDays(-1), Now.AddDays(30), [1, 2, 3]);
    }
}
