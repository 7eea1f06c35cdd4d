using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Ers.Grains.Cards;
using Ers.Testing.Pki;
using Ers.Tools.Pki;
using Ers.Web.Security;

namespace Ers.Benchmarks;

/// <summary>The CPU cost of each cryptographic step of one card login, one thread.</summary>
// In process: a separate BenchmarkDotNet build of the whole host graph takes minutes on a busy 2-core machine.
[MemoryDiagnoser, InProcess]
public class CardAuthenticationBenchmarks
{
    private TestPki _pki = null!;
    private CardCertificateValidator _uncached = null!;
    private byte[][] _certificates = null!;
    private byte[] _rsaCertificate = null!;
    private ValidatedCard _rsaCard = null!;
    private ValidatedCard _p256Card = null!;
    private byte[] _challenge = null!;
    private byte[] _rsaSignature = null!;
    private byte[] _p256Signature = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _pki = new TestPki();
        _pki.RefreshCrlsAsync().GetAwaiter().GetResult();
        var rsa = _pki.Card(algorithm: KeyAlgorithm.Rsa2048);
        var p256 = _pki.Card(algorithm: KeyAlgorithm.EcdsaP256);
        _rsaCertificate = rsa.CertificateDer;
        _certificates = [rsa.CertificateDer, p256.CertificateDer];
        // Capacity 1 and two certificates taken in turn: every call misses the cache (parse + chain + CRL).
        _uncached = new CardCertificateValidator(new CardAuthenticationOptions { ValidationCacheCapacity = 1 },
            _pki.Roots, _pki.Intermediates, _pki.Crls, _pki.Time);
        _rsaCard = _pki.Validator.Validate(rsa.CertificateDer).Card!;
        _p256Card = _pki.Validator.Validate(p256.CertificateDer).Card!;
        _challenge = RandomNumberGenerator.GetBytes(32);
        _rsaSignature = rsa.Sign(_challenge);
        _p256Signature = p256.Sign(_challenge);
    }

    [GlobalCleanup]
    public void Cleanup() => _pki.Dispose();

    [Benchmark(Description = "validate certificate, uncached (parse, 3-level RSA chain, CRL, user UUID)")]
    public bool ValidateUncached() => _uncached.Validate(_certificates[_next++ & 1]).IsValid;

    [Benchmark(Description = "validate certificate, cached (SHA-256 of the bytes + lookup + CRL check)")]
    public bool ValidateCached() => _pki.Validator.Validate(_rsaCertificate).IsValid;

    [Benchmark(Description = "verify RSA-2048 PKCS#1 v1.5 signature (key imported from the certificate's SubjectPublicKeyInfo, as the card grain does)")]
    public bool VerifyRsa() => CardSignatures.Verify(_rsaCard.Key, _challenge, _rsaSignature);

    [Benchmark(Description = "verify ECDSA P-256 signature (DER; key imported from SubjectPublicKeyInfo)")]
    public bool VerifyP256() => CardSignatures.Verify(_p256Card.Key, _challenge, _p256Signature);
}
