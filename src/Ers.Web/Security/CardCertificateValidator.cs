using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Cards;

namespace Ers.Web.Security;

/// <summary>
/// Checks a card's PIV Authentication certificate: chain to a configured smartcard root (no system trust), validity
/// period, key usage, revocation by CRL and the user UUID. Successful results are cached by SHA-256 of the
/// certificate bytes (no parse on a hit) until NotAfter; every hit re-checks the revocation of the whole chain it was
/// built on (the card certificate and each issuing CA a CRL covers: a hash lookup each), so a revoked issuing CA or a
/// CRL gone stale refuses a cached card at once, and a revocation evicts it.
/// </summary>
public sealed class CardCertificateValidator
{
    private const string DigitalSignatureMissing = "The card certificate is not for digital signatures.";

    private readonly CardAuthenticationOptions _options;
    private readonly X509Certificate2Collection _roots;
    private readonly X509Certificate2Collection _intermediates;
    private readonly CrlStore _crls;
    private readonly TimeProvider _time;
    private readonly string _userIdOid;
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);

    // For each configured CA (by hash), the certificates above it below the root: what a session token's issuer
    // hash leads to when a CA is revoked after the login.
    private readonly Dictionary<string, CertificateId[]> _caChains = new(StringComparer.Ordinal);

    public CardCertificateValidator(CardAuthenticationOptions options, X509Certificate2Collection roots,
        X509Certificate2Collection intermediates, CrlStore crls, TimeProvider time)
    {
        if (roots.Count == 0)
        {
            throw new InvalidOperationException(
                $"No smartcard root CA configured: set {CardAuthenticationOptions.Section}:TrustedRoots.");
        }

        _options = options;
        _roots = roots;
        _intermediates = intermediates;
        _crls = crls;
        _time = time;
        _userIdOid = AttributeOid(options.UserIdAttribute);
        crls.CertificatesRevoked += Evict;
        foreach (var ca in roots.Concat(intermediates))
        {
            _caChains[CertificateIds.HashOf(ca)] = [.. CaChain(ca, roots, intermediates)];
        }
    }

    /// <summary>Cached validations (for tests and metrics).</summary>
    public int CachedCount => _cache.Count;

    public CardValidationResult Validate(ReadOnlySpan<byte> certificateDer)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(certificateDer, hash);
        var key = Convert.ToHexString(hash);
        var now = _time.GetUtcNow();

        if (_cache.TryGetValue(key, out var cached))
        {
            var fromCache = Revalidate(cached, now);
            if (fromCache is not null)
            {
                return fromCache;
            }

            _cache.TryRemove(key, out _);
        }

        var result = ValidateUncached(certificateDer, hash.ToArray(), now);
        if (result.Card is { } card)
        {
            if (_cache.Count >= _options.ValidationCacheCapacity)
            {
                // Crude but bounded: a flood of distinct valid certificates cannot grow memory without limit.
                _cache.Clear();
            }

            _cache[key] = new CacheEntry(card, result.Chain);
        }

        return result;
    }

    /// <summary>
    /// The revocation status of an already validated certificate (e.g. one a session token names), its issuing CAs
    /// included: <see cref="RevocationStatus.Revoked"/> when a CRL revokes the certificate or a CA above it.
    /// </summary>
    public RevocationStatus CheckRevocation(CertificateId id)
    {
        if (_caChains.TryGetValue(id.IssuerHash, out var cas) && cas.Any(ca => _crls.Revokes(ca.IssuerHash, ca.SerialNumber)))
        {
            return RevocationStatus.Revoked;
        }

        return _crls.Check(id, _options.StaleCrl);
    }

    private CardValidationResult? Revalidate(CacheEntry entry, DateTimeOffset now)
    {
        var card = entry.Card;
        if (now < card.NotBefore || now > card.NotAfter)
        {
            return null;
        }

        // The whole chain, on every hit: a hash lookup per certificate, so a revoked issuing CA or a stale CRL
        // refuses a cached card as it would an uncached one.
        if (ChainRevocation(entry.Chain) is not null)
        {
            return null;
        }

        return CardValidationResult.Valid(card, Warning(card, now));
    }

    private CardValidationResult ValidateUncached(ReadOnlySpan<byte> der, byte[] hash, DateTimeOffset now)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            return CardValidationResult.Invalid(ApiErrorCodes.RequestMalformed, "The card certificate could not be read.");
        }

        if (now < certificate.NotBefore.ToUniversalTime())
        {
            return CardValidationResult.Invalid(ApiErrorCodes.CertificateNotYetValid, "The card certificate is not valid yet.");
        }

        if (now > certificate.NotAfter.ToUniversalTime())
        {
            return CardValidationResult.Invalid(ApiErrorCodes.CertificateExpired, "The card certificate has expired.");
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_roots);
        policy.ExtraStore.AddRange(_intermediates);
        policy.RevocationMode = X509RevocationMode.NoCheck; // CRLs are checked below, against our own CRL store.
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        if (!chain.Build(certificate) || chain.ChainElements.Count < 2)
        {
            return CardValidationResult.Invalid(ApiErrorCodes.CertificateUntrusted,
                "The card certificate was not issued by a trusted smartcard CA.");
        }

        if (KeyUsageProblem(certificate) is { } problem)
        {
            return CardValidationResult.Invalid(ApiErrorCodes.CertificateKeyUsage, problem);
        }

        if (_options.RequiredPolicyOids.Count > 0 && !PoliciesOf(certificate).IsSupersetOf(_options.RequiredPolicyOids))
        {
            return CardValidationResult.Invalid(ApiErrorCodes.CertificatePolicy,
                "The card certificate was not issued under the certificate policy Ers requires.");
        }

        var algorithm = KeyAlgorithmOf(certificate);
        if (algorithm is null)
        {
            return CardValidationResult.Invalid(ApiErrorCodes.CertificateKeyUsage,
                "The card key is neither RSA-2048 (or larger) nor ECDSA P-256.");
        }

        // Revocation of every certificate below the root that a CRL covers; the leaf must be covered.
        var chainIds = new CertificateId[chain.ChainElements.Count - 1];
        for (var i = 0; i < chainIds.Length; i++)
        {
            var subject = chain.ChainElements[i].Certificate;
            var issuerHash = CertificateIds.HashOf(chain.ChainElements[i + 1].Certificate);
            chainIds[i] = new CertificateId(issuerHash, CertificateIds.NormaliseSerial(subject.SerialNumberBytes.Span));
        }

        if (ChainRevocation(chainIds) is { } refused)
        {
            return refused;
        }

        var leafId = chainIds[0];
        var userId = SubjectAttribute(certificate, _userIdOid);
        if (userId is not { Length: 12 } || !userId.All(char.IsAsciiDigit))
        {
            return CardValidationResult.Invalid(ApiErrorCodes.CertificateNoUserId,
                "The card certificate does not carry a 12-digit user UUID.");
        }

        var cardUuid = CardUuidOf(certificate);
        if (cardUuid is null && _options.RequireCardUuid)
        {
            return CardValidationResult.Invalid(ApiErrorCodes.CertificateNoCardId,
                "The card certificate does not name its card, so the card cannot be checked against it.");
        }

        var name = certificate.GetNameInfo(X509NameType.SimpleName, false);
        var card = new ValidatedCard(certificate, hash, userId, name, cardUuid, leafId, algorithm.Value);
        return CardValidationResult.Valid(card, Warning(card, now)) with { Chain = chainIds };
    }

    /// <summary>
    /// Null when no certificate of the chain (card first, then its issuing CAs up to below the root) is revoked or of
    /// unknown status; the card certificate must be covered by a CRL, a CA only when a CRL from its issuer is held.
    /// </summary>
    private CardValidationResult? ChainRevocation(IReadOnlyList<CertificateId> chain)
    {
        for (var i = 0; i < chain.Count; i++)
        {
            if (i > 0 && !_crls.HasCrlFor(chain[i].IssuerHash))
            {
                continue;
            }

            switch (_crls.Check(chain[i], _options.StaleCrl))
            {
                case RevocationStatus.Revoked:
                    return CardValidationResult.Invalid(ApiErrorCodes.CertificateRevoked,
                        i == 0 ? "The card certificate has been revoked." : "The card's issuing CA has been revoked.");
                case RevocationStatus.Unknown:
                    return CardValidationResult.Invalid(ApiErrorCodes.CertificateRevocationUnknown,
                        "The card certificate's revocation status cannot be checked now (no current revocation list).");
            }
        }

        return null;
    }

    private static IEnumerable<CertificateId> CaChain(X509Certificate2 ca, X509Certificate2Collection roots, X509Certificate2Collection intermediates)
    {
        // Up from a CA by issuer name, to the root (excluded) or to a CA not configured; bounded against a name loop.
        var current = ca;
        for (var depth = 0; depth < 8; depth++)
        {
            if (current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData))
            {
                yield break;
            }

            var issuer = roots.Concat(intermediates).FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData));
            if (issuer is null)
            {
                yield break;
            }

            yield return new CertificateId(CertificateIds.HashOf(issuer), CertificateIds.NormaliseSerial(current.SerialNumberBytes.Span));
            current = issuer;
        }
    }

    private CertificateWarning? Warning(ValidatedCard card, DateTimeOffset now) =>
        card.NotAfter - now <= _options.RenewalWarningWindow
            ? new CertificateWarning(ApiErrorCodes.CertificateExpiresSoon,
                $"Your smartcard certificate expires on {card.NotAfter:d MMMM yyyy}. Ask your registration authority to renew it.",
                card.NotAfter)
            : null;

    private void Evict(IReadOnlyList<CertificateId> revoked)
    {
        var set = revoked.ToHashSet();
        foreach (var (key, entry) in _cache)
        {
            if (set.Contains(entry.Card.Id))
            {
                _cache.TryRemove(key, out _);
            }
        }
    }

    private string? KeyUsageProblem(X509Certificate2 certificate)
    {
        var keyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (keyUsage is null || !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            return DigitalSignatureMissing;
        }

        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true })
        {
            return "A CA certificate is not a card certificate.";
        }

        // Required, not merely allowed when present: a PIV Card Authentication (9E) certificate, whose key signs
        // without the PIN, has no client-authentication EKU (issue 13, defect 9).
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        var usages = eku?.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet(StringComparer.Ordinal) ?? [];
        if (!_options.EffectiveExtendedKeyUsages.All(usages.Contains))
        {
            return "The card certificate is not for client authentication.";
        }

        return null;
    }

    private static CardKeyAlgorithm? KeyAlgorithmOf(X509Certificate2 certificate)
    {
        using (var rsa = certificate.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return rsa.KeySize >= 2048 ? CardKeyAlgorithm.RsaPkcs1Sha256 : null;
            }
        }

        using var ecdsa = certificate.GetECDsaPublicKey();
        if (ecdsa is not null && ecdsa.KeySize == 256)
        {
            var curve = ecdsa.ExportParameters(false).Curve;
            return curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value ? CardKeyAlgorithm.EcdsaP256Sha256 : null;
        }

        return null;
    }

    internal static string? SubjectAttribute(X509Certificate2 certificate, string oid)
    {
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == oid)
            {
                return rdn.GetSingleElementValue();
            }
        }

        return null;
    }

    /// <summary>The policy identifiers of the certificatePolicies extension (RFC 5280 4.2.1.4); empty without one.</summary>
    private static HashSet<string> PoliciesOf(X509Certificate2 certificate)
    {
        var policies = new HashSet<string>(StringComparer.Ordinal);
        if (certificate.Extensions["2.5.29.32"] is not { } extension)
        {
            return policies;
        }

        try
        {
            var reader = new System.Formats.Asn1.AsnReader(extension.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            while (sequence.HasData)
            {
                var information = sequence.ReadSequence();
                policies.Add(information.ReadObjectIdentifier());
            }
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            // A garbled extension names no policy: the certificate is refused as not issued under the required one.
            policies.Clear();
        }

        return policies;
    }

    private static Guid? CardUuidOf(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return null;
        }

        // SubjectAlternativeNameExtension has no URI enumerator; read the GeneralNames with AsnReader.
        var reader = new System.Formats.Asn1.AsnReader(san.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            var tag = names.PeekTag();
            if (tag == uriTag)
            {
                var uri = names.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag);
                if (uri.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) && Guid.TryParse(uri[9..], out var id))
                {
                    return id;
                }
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return null;
    }

    internal static string AttributeOid(string attribute) => attribute.ToUpperInvariant() switch
    {
        "SERIALNUMBER" => "2.5.4.5",
        "CN" => "2.5.4.3",
        "UID" => "0.9.2342.19200300.100.1.1",
        var oid when oid.Length > 0 && oid.All(c => char.IsAsciiDigit(c) || c == '.') => oid,
        _ => throw new InvalidOperationException(
            $"{CardAuthenticationOptions.Section}:UserIdAttribute must be SERIALNUMBER, CN, UID or an OID, not '{attribute}'."),
    };

    private sealed record CacheEntry(ValidatedCard Card, IReadOnlyList<CertificateId> Chain);
}
