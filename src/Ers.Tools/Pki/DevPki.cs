using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Ers.Tools.Pki;

/// <summary>
/// The development PKI kept in one directory: a smartcard root CA and issuing CA, a workstation CA, a server CA (the
/// one CA a developer's browser and the agent trust for the server, name-constrained to loopback) and the server TLS
/// certificate it signs, issued card and workstation certificates, an index of issued serials and the CRLs. Keys are written
/// unencrypted (PKCS#8 PEM, mode 0600): this is a development PKI, never a production one.
/// </summary>
public sealed class DevPki
{
    public const string SmartcardRootName = "smartcard-root-ca";
    public const string SmartcardIssuingName = "smartcard-issuing-ca";
    public const string WorkstationCaName = "workstation-ca";
    public const string ServerCaName = "server-ca";
    public const string ServerName = "server";
    public const string ClusterCaName = "cluster-ca";
    public const string ClusterMemberName = "cluster";
    public const string IngressCaName = "ingress-ca";
    public const string IngressClientName = "ingress";
    public const string IndexFile = "issued.json";
    public const string TokenKeyFile = "token-signing.key";

    /// <summary>The RSA key that signs the OpenID Connect provider's identity and access tokens (PKCS#8 PEM).</summary>
    public const string OidcSigningKeyFile = "oidc-signing.key.pem";

    /// <summary>The RSA key that encrypts the OpenID Connect provider's access tokens and codes (PKCS#8 PEM).</summary>
    public const string OidcEncryptionKeyFile = "oidc-encryption.key.pem";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly TimeProvider _time;
    private CertificateAuthority? _serverCa;

    private DevPki(string directory, TimeProvider time, CertificateAuthority smartcardRoot,
        CertificateAuthority smartcardIssuing, CertificateAuthority workstationCa)
    {
        Directory = directory;
        _time = time;
        SmartcardRoot = smartcardRoot;
        SmartcardIssuing = smartcardIssuing;
        WorkstationCa = workstationCa;
    }

    public string Directory { get; }

    public CertificateAuthority SmartcardRoot { get; }

    public CertificateAuthority SmartcardIssuing { get; }

    public CertificateAuthority WorkstationCa { get; }

    /// <summary>
    /// The CA that signs the server TLS certificate and nothing else: serverAuth only, name-constrained to
    /// localhost, 127.0.0.0/8 and ::1. Kept apart from the workstation CA so that trusting the server (in the agent,
    /// in a browser) never means trusting every workstation certificate as a server, and the reverse.
    /// </summary>
    public CertificateAuthority ServerCa => _serverCa ??= LoadOrCreateServerCa();

    public static string CertificatePath(string directory, string name) => Path.Combine(directory, name + ".crt.pem");

    public static string KeyPath(string directory, string name) => Path.Combine(directory, name + ".key.pem");

    public static string PfxPath(string directory, string name) => Path.Combine(directory, name + ".pfx");

    public static string CrlPath(string directory, string caName) => Path.Combine(directory, "crl", caName + ".crl");

    /// <summary>True when the CAs exist in <paramref name="directory"/>.</summary>
    public static bool Exists(string directory) =>
        new[] { SmartcardRootName, SmartcardIssuingName, WorkstationCaName }
            .All(n => File.Exists(CertificatePath(directory, n)) && File.Exists(KeyPath(directory, n)));

    /// <summary>
    /// Creates the CAs in <paramref name="directory"/>, or opens them when they exist (never overwrites a CA:
    /// certificates issued earlier stay valid). The server CA is made on first use (<see cref="ServerCa"/>), so a
    /// PKI made before it existed gains one the first time a server certificate is issued.
    /// </summary>
    public static DevPki Init(string directory, TimeProvider time)
    {
        if (Exists(directory))
        {
            return Open(directory, time);
        }

        System.IO.Directory.CreateDirectory(directory);
        var now = time.GetUtcNow();
        var notBefore = now.AddDays(-1);
        var root = CertificateAuthority.CreateRoot("CN=Ers Development Smartcard Root CA, O=Ers", notBefore, now.AddYears(20));
        var issuing = root.CreateSubordinate("CN=Ers Development Smartcard Issuing CA 1, O=Ers", notBefore, now.AddYears(10));
        var workstation = CertificateAuthority.CreateRoot("CN=Ers Development Workstation CA, O=Ers", notBefore, now.AddYears(20));
        WritePair(directory, SmartcardRootName, root.Certificate, pfx: false);
        WritePair(directory, SmartcardIssuingName, issuing.Certificate, pfx: false);
        WritePair(directory, WorkstationCaName, workstation.Certificate, pfx: false);
        return new DevPki(directory, time, root, issuing, workstation);
    }

    /// <summary>Opens an existing development PKI; fails with a clear message when it is missing.</summary>
    public static DevPki Open(string directory, TimeProvider time)
    {
        if (!Exists(directory))
        {
            throw new PkiException($"No development PKI in '{directory}'. Run 'ers pki init --out {directory}' first.");
        }

        return new DevPki(directory, time,
            new CertificateAuthority(LoadPair(directory, SmartcardRootName)),
            new CertificateAuthority(LoadPair(directory, SmartcardIssuingName)),
            new CertificateAuthority(LoadPair(directory, WorkstationCaName)));
    }

    /// <summary>Issues one card certificate and writes it with its key and a JSON description under <c>cards/</c>.</summary>
    public IssuedCard IssueCard(string userId, string name, KeyAlgorithm algorithm, Guid? cardId = null, int validDays = 365)
    {
        if (!UserIds.IsValid(userId))
        {
            throw new PkiException($"'{userId}' is not a user UUID (12 digits).");
        }

        var id = cardId ?? Guid.NewGuid();
        using AsymmetricAlgorithm key = algorithm == KeyAlgorithm.Rsa2048 ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = _time.GetUtcNow();
        var certificate = SmartcardIssuing.Issue(
            CertificateAuthority.CardSubject(name, userId),
            key,
            now.AddMinutes(-5),
            now.AddDays(validDays),
            X509KeyUsageFlags.DigitalSignature,
            [CertificateAuthority.ClientAuthOid, CertificateAuthority.SmartCardLogonOid],
            CertificateAuthority.CardSubjectAlternativeName(id));
        var cardsDirectory = Path.Combine(Directory, "cards");
        var fileName = $"{userId}-{(algorithm == KeyAlgorithm.Rsa2048 ? "rsa" : "p256")}";
        WritePair(cardsDirectory, fileName, certificate, pfx: true);
        var card = new IssuedCard(id.ToString("D"), userId, name, algorithm == KeyAlgorithm.Rsa2048 ? "rsa" : "p256",
            certificate.SerialNumber, CertificatePath(cardsDirectory, fileName), KeyPath(cardsDirectory, fileName),
            PfxPath(cardsDirectory, fileName), new DateTimeOffset(certificate.NotAfter),
            Puk: RandomNumberGenerator.GetString("0123456789", 8));
        File.WriteAllText(Path.Combine(cardsDirectory, fileName + ".json"), JsonSerializer.Serialize(card, Json));
        Record(new IndexEntry(certificate.SerialNumber, SmartcardIssuingName, "card", certificate.Subject, null));
        return card;
    }

    /// <summary>Issues a workstation client certificate (CN = the workstation id) under <c>workstations/</c>.</summary>
    public X509Certificate2 IssueWorkstation(string workstationId, int validDays = 365)
    {
        if (!WorkstationIds.IsValid(workstationId))
        {
            throw new PkiException($"'{workstationId}' is not a workstation id (letters, digits, '-', '.', '_'; at most 64).");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = _time.GetUtcNow();
        var certificate = WorkstationCa.Issue(
            new X500DistinguishedName($"CN={workstationId}, O=Ers Workstations"),
            key, now.AddMinutes(-5), now.AddDays(validDays),
            X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ClientAuthOid]);
        WritePair(Path.Combine(Directory, "workstations"), workstationId, certificate, pfx: true);
        Record(new IndexEntry(certificate.SerialNumber, WorkstationCaName, "workstation", certificate.Subject, null));
        return certificate;
    }

    /// <summary>
    /// Issues the server TLS certificate for localhost, 127.0.0.1 and ::1 (serverAuth), signed by the server CA, and
    /// writes it as <c>server.crt.pem</c>, <c>server.key.pem</c> and <c>server.pfx</c> (replacing an earlier one).
    /// </summary>
    public X509Certificate2 IssueServer(int validDays = 365)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        var now = _time.GetUtcNow();
        var certificate = ServerCa.Issue(
            new X500DistinguishedName("CN=localhost, O=Ers"), key, now.AddMinutes(-5), now.AddDays(validDays),
            X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ServerAuthOid], san.Build());
        WritePair(Directory, ServerName, certificate, pfx: true);
        Record(new IndexEntry(certificate.SerialNumber, ServerCaName, "server", certificate.Subject, null));
        return certificate;
    }

    /// <summary>
    /// Why the server certificate in this directory must be issued again, or null when it is fine: missing, not
    /// signed by the server CA (a PKI made before the server CA existed signed it with the workstation CA), without
    /// the serverAuth extended key usage, or expiring within <paramref name="renewBefore"/>.
    /// </summary>
    public string? ServerCertificateProblem(TimeSpan renewBefore)
    {
        var certificatePath = CertificatePath(Directory, ServerName);
        if (!File.Exists(certificatePath) || !File.Exists(KeyPath(Directory, ServerName)) || !File.Exists(PfxPath(Directory, ServerName)))
        {
            return "missing";
        }

        using var server = X509CertificateLoader.LoadCertificateFromFile(certificatePath);
        if (!SignedBy(server, ServerCa.Certificate))
        {
            return server.Issuer == WorkstationCa.Certificate.Subject
                ? "it was signed by the workstation CA"
                : "it is not signed by the server CA";
        }

        var serverAuth = server.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == CertificateAuthority.ServerAuthOid));
        if (!serverAuth)
        {
            return "it lacks the serverAuth extended key usage";
        }

        return server.NotAfter.ToUniversalTime() < (_time.GetUtcNow() + renewBefore).UtcDateTime ? "it expires soon" : null;
    }

    /// <summary>
    /// Marks revoked every server certificate the workstation CA issued (PKIs made before the server CA existed did
    /// that), so the workstation CA's next CRL no longer vouches for it. Returns how many were marked.
    /// </summary>
    public int RevokeServerCertificatesOfWorkstationCa()
    {
        var index = ReadIndex();
        var now = _time.GetUtcNow();
        var stale = index.Count(e => e.Issuer == WorkstationCaName && e.Kind == "server" && e.RevokedAt is null);
        if (stale > 0)
        {
            WriteIndex(index.Select(e => e.Issuer == WorkstationCaName && e.Kind == "server" && e.RevokedAt is null
                ? e with { RevokedAt = now } : e).ToList());
        }

        return stale;
    }

    /// <summary>
    /// Issues the certificate every silo and cluster client presents to the others over Orleans TLS
    /// (<c>Ers:Cluster:Tls</c>, see src/Ers.Cluster/ClusterTls.cs): serverAuth and clientAuth, signed by a CA that issues
    /// nothing else, written as <c>cluster.crt.pem</c> and <c>cluster.key.pem</c> beside <c>cluster-ca.crt.pem</c>. The CA
    /// is made on first use.
    /// </summary>
    public X509Certificate2 IssueClusterMember(int validDays = 365)
    {
        var ca = LoadOrCreateCa(ClusterCaName, "CN=Ers Development Cluster CA, O=Ers",
            [new X509EnhancedKeyUsageExtension([new Oid(CertificateAuthority.ServerAuthOid), new Oid(CertificateAuthority.ClientAuthOid)], false)]);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = _time.GetUtcNow();
        var certificate = ca.Issue(
            new X500DistinguishedName("CN=ers-cluster-member, O=Ers"), key, now.AddMinutes(-5), now.AddDays(validDays),
            X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ServerAuthOid, CertificateAuthority.ClientAuthOid], null);
        WritePair(Directory, ClusterMemberName, certificate, pfx: false);
        Record(new IndexEntry(certificate.SerialNumber, ClusterCaName, "cluster", certificate.Subject, null));
        return certificate;
    }

    /// <summary>
    /// Issues the client certificate the ingress presents to the web nodes' ingress port (<c>Ers:Ingress</c>, see
    /// src/Ers.Web/Security/IngressOptions.cs): clientAuth only, signed by a CA that issues nothing else, written as
    /// <c>ingress.crt.pem</c> and <c>ingress.key.pem</c> beside <c>ingress-ca.crt.pem</c>. The CA is made on first use.
    /// Only a connection with such a certificate may forward a workstation's client certificate in a header.
    /// </summary>
    public X509Certificate2 IssueIngressClient(int validDays = 365)
    {
        var ca = LoadOrCreateCa(IngressCaName, "CN=Ers Development Ingress CA, O=Ers",
            [new X509EnhancedKeyUsageExtension([new Oid(CertificateAuthority.ClientAuthOid)], false)]);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = _time.GetUtcNow();
        var certificate = ca.Issue(
            new X500DistinguishedName("CN=ers-ingress, O=Ers"), key, now.AddMinutes(-5), now.AddDays(validDays),
            X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ClientAuthOid], null);
        WritePair(Directory, IngressClientName, certificate, pfx: false);
        Record(new IndexEntry(certificate.SerialNumber, IngressCaName, "ingress", certificate.Subject, null));
        return certificate;
    }

    private CertificateAuthority LoadOrCreateCa(string name, string subject, X509Extension[] extensions)
    {
        if (File.Exists(CertificatePath(Directory, name)) && File.Exists(KeyPath(Directory, name)))
        {
            return new CertificateAuthority(LoadPair(Directory, name));
        }

        var now = _time.GetUtcNow();
        var ca = CertificateAuthority.CreateRoot(subject, now.AddDays(-1), now.AddYears(10), extensions);
        WritePair(Directory, name, ca.Certificate, pfx: false);
        return ca;
    }

    private CertificateAuthority LoadOrCreateServerCa() =>
        LoadOrCreateCa(ServerCaName, "CN=Ers Development Server CA, O=Ers",
        [
            CertificateAuthority.LoopbackNameConstraints(),
            new X509EnhancedKeyUsageExtension([new Oid(CertificateAuthority.ServerAuthOid)], false),
        ]);

    private static bool SignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        if (certificate.Issuer != issuer.Subject)
        {
            return false;
        }

        // The issuer name alone is not proof: a regenerated server CA keeps its name but not its key.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate);
    }

    /// <summary>Marks an issued serial revoked (it appears on the next CRL). Returns false when already revoked.</summary>
    public bool Revoke(string serialNumber)
    {
        var serial = NormaliseSerial(serialNumber);
        var index = ReadIndex();
        var entry = index.FirstOrDefault(e => e.SerialNumber == serial)
            ?? throw new PkiException($"No certificate with serial {serial} was issued by this PKI.");
        if (entry.RevokedAt is not null)
        {
            return false;
        }

        WriteIndex(index.Select(e => e.SerialNumber == serial ? e with { RevokedAt = _time.GetUtcNow() } : e).ToList());
        return true;
    }

    /// <summary>
    /// Writes a fresh signed CRL for the smartcard issuing CA and for the workstation CA into <c>DIR/crl/</c>
    /// (DER) and, when given, a copy into <paramref name="outDirectory"/>. Returns the paths written.
    /// </summary>
    public IReadOnlyList<string> WriteCrls(TimeSpan validity, string? outDirectory = null)
    {
        var index = ReadIndex();
        var now = _time.GetUtcNow();
        var crlNumber = new BigInteger(now.ToUnixTimeMilliseconds());
        var written = new List<string>();
        foreach (var (name, ca) in new[] { (SmartcardIssuingName, SmartcardIssuing), (WorkstationCaName, WorkstationCa) })
        {
            var revoked = index.Where(e => e.Issuer == name && e.RevokedAt is not null)
                .Select(e => new RevokedSerial(e.SerialNumber, e.RevokedAt!.Value, X509RevocationReason.KeyCompromise));
            var crl = ca.BuildCrl(revoked, crlNumber, now.AddMinutes(-1), now + validity);
            foreach (var target in new[] { Directory, outDirectory }.OfType<string>().Distinct())
            {
                var path = CrlPath(target, name);
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                WriteAtomically(path, crl);
                written.Add(path);
            }
        }

        return written;
    }

    /// <summary>Creates the key the Web host authenticates its tokens with, if missing. Returns its path.</summary>
    public string EnsureTokenKey()
    {
        var path = Path.Combine(Directory, TokenKeyFile);
        if (!File.Exists(path))
        {
            WriteSecret(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        }

        return path;
    }

    /// <summary>
    /// Creates the OpenID Connect provider's signing and encryption keys (RSA-2048, PKCS#8 PEM), each if missing; a key
    /// from <paramref name="rsa"/> instead of a new one (tests draw from a pool). Returns the paths.
    /// </summary>
    /// <param name="rsa">Makes the key; null makes a new RSA-2048 key.</param>
    public IReadOnlyList<string> EnsureOidcKeys(Func<RSA>? rsa = null)
    {
        var paths = new List<string>();
        foreach (var file in new[] { OidcSigningKeyFile, OidcEncryptionKeyFile })
        {
            var path = Path.Combine(Directory, file);
            if (!File.Exists(path))
            {
                using var key = rsa?.Invoke() ?? RSA.Create(2048);
                WriteSecret(path, key.ExportPkcs8PrivateKeyPem() + "\n");
            }

            paths.Add(path);
        }

        return paths;
    }

    public IReadOnlyList<IndexEntry> ReadIndex()
    {
        var path = Path.Combine(Directory, IndexFile);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<List<IndexEntry>>(File.ReadAllText(path), Json) ?? []
            : [];
    }

    public static string NormaliseSerial(string serial) =>
        serial.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant().TrimStart('0') is { Length: > 0 } s
            ? (s.Length % 2 == 1 ? "0" + s : s)
            : "00";

    /// <summary>Records a certificate issued outside the commands (e.g. by tests) so it can be revoked by serial.</summary>
    public void RecordIssued(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string issuerName, string kind) =>
        Record(new IndexEntry(certificate.SerialNumber, issuerName, kind, certificate.Subject, null));

    private void Record(IndexEntry entry)
    {
        var index = ReadIndex().ToList();
        index.Add(entry with { SerialNumber = NormaliseSerial(entry.SerialNumber) });
        WriteIndex(index);
    }

    private void WriteIndex(IReadOnlyList<IndexEntry> index) =>
        WriteAtomically(Path.Combine(Directory, IndexFile), JsonSerializer.SerializeToUtf8Bytes(index, Json));

    private static void WritePair(string directory, string name, X509Certificate2 certificate, bool pfx)
    {
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(CertificatePath(directory, name), certificate.ExportCertificatePem() + "\n");
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
            ?? throw new PkiException("Certificate has no RSA or ECDSA private key.");
        using (key)
        {
            WriteSecret(KeyPath(directory, name), key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        if (pfx)
        {
            // Empty password: Kestrel and HttpClient load it as is; the directory is a development secret store.
            var bytes = certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, string.Empty);
            File.WriteAllBytes(PfxPath(directory, name), bytes);
            RestrictToOwner(PfxPath(directory, name));
        }
    }

    private static X509Certificate2 LoadPair(string directory, string name) =>
        X509Certificate2.CreateFromPemFile(CertificatePath(directory, name), KeyPath(directory, name));

    private static void WriteSecret(string path, string text)
    {
        File.WriteAllText(path, text);
        RestrictToOwner(path);
    }

    private static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    // A reader (the Web host's CRL refresh) never sees half a file.
    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
