using System.Collections;
using Ers.Tools.Pki;

namespace Ers.Testing.Hosts;

/// <summary>
/// The one builder of an Ers host's settings in tests and benchmarks: PKI paths, stores, ports and cluster mode, in
/// configuration-key form (<c>Ers:Cluster:Provider</c>) for an in-process host, or <see cref="ToEnvironment"/> for a
/// process. A host starts from <see cref="ForWebNode"/> and overrides only what differs for it.
/// </summary>
public sealed class ErsSettings : IEnumerable<KeyValuePair<string, string>>
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public string this[string key]
    {
        get => _values[key];
        set => _values[key] = value;
    }

    /// <summary>
    /// One web node co-hosting a silo (a cluster of one, in-memory grain state) on free ports: pages on plain HTTP,
    /// the sample staff directory, a file audit trail and Data Protection keys in <paramref name="dataDirectory"/>,
    /// and no heartbeat fail-safe (tests drive sessions without an agent). PKI and agents' API are added by the host.
    /// </summary>
    public static ErsSettings ForWebNode(string dataDirectory, string name) =>
        new ErsSettings()
            .LocalCluster(name + "-" + Guid.NewGuid().ToString("N")[..8])
            .BrowserHttp()
            .WithoutAgentApi()
            .Set("Ers:Directory:SeedFile", RepoRoot.Combine("samples", "directory.json"))
            .FileAudit(Path.Combine(dataDirectory, "audit.jsonl"))
            .Set("Ers:Sessions:HeartbeatTimeout", "01:00:00")
            // appsettings.json turns the OpenID Connect provider on for the local run; a test host asks for it (Oidc).
            .Set("Ers:Oidc:Enabled", "false")
            .Set("Ers:Web:Browser:DataProtectionKeysPath", Path.Combine(dataDirectory, "keys"));

    /// <summary>
    /// The OpenID Connect provider on, with the PKI's keys (<c>ers pki dev</c>) and its store in a SQLite file in
    /// <paramref name="dataDirectory"/>, or in PostgreSQL when <paramref name="postgresConnectionString"/> is given.
    /// </summary>
    /// <param name="pki">The development PKI's folder.</param>
    /// <param name="dataDirectory">Where the SQLite file goes.</param>
    /// <param name="postgresConnectionString">A PostgreSQL store instead of SQLite.</param>
    public ErsSettings Oidc(string pki, string dataDirectory, string? postgresConnectionString = null)
    {
        Set("Ers:Oidc:Enabled", "true")
            .Set("Ers:Oidc:SigningKeyFiles:0", Path.Combine(pki, DevPki.OidcSigningKeyFile))
            .Set("Ers:Oidc:EncryptionKeyFiles:0", Path.Combine(pki, DevPki.OidcEncryptionKeyFile));
        return postgresConnectionString is null
            ? Set("Ers:Oidc:Store", "Sqlite").Set("Ers:Oidc:SqlitePath", Path.Combine(dataDirectory, "oidc.db"))
            : Set("Ers:Oidc:Store", "Postgres").Set("ConnectionStrings:Oidc", postgresConnectionString);
    }

    public ErsSettings Set(string key, string value)
    {
        _values[key] = value;
        return this;
    }

    public ErsSettings Set(IEnumerable<KeyValuePair<string, string>> values)
    {
        foreach (var (key, value) in values)
        {
            _values[key] = value;
        }

        return this;
    }

    /// <summary>For collection initialisers.</summary>
    public void Add(string key, string value) => _values[key] = value;

    /// <summary>A co-hosted silo in a cluster of one, its silo and gateway on free ports.</summary>
    public ErsSettings LocalCluster(string clusterId) =>
        Set("Ers:Cluster:Provider", "Localhost")
            .Set("Ers:Cluster:ClusterId", clusterId)
            .Set("Ers:Cluster:SiloPort", FreePort.NextText())
            .Set("Ers:Cluster:GatewayPort", FreePort.NextText());

    /// <summary>Membership and grain state in Redis, as production runs.</summary>
    public ErsSettings RedisCluster(string redisConnectionString, string clusterId, string serviceId = "ers-test") =>
        Set("Ers:Cluster:Provider", "Redis")
            .Set("Ers:Cluster:ClusterId", clusterId)
            .Set("Ers:Cluster:ServiceId", serviceId)
            .Set("ConnectionStrings:Redis", redisConnectionString);

    public ErsSettings FileAudit(string path) => Set("Ers:Audit:FilePath", path);

    public ErsSettings PostgresAudit(string connectionString) =>
        Set("Ers:Audit:Store", "Postgres").Set("ConnectionStrings:Audit", connectionString);

    /// <summary>Card authentication, workstation trust and the token key of the development PKI in <paramref name="pki"/>.</summary>
    public ErsSettings TrustPki(string pki) =>
        Set("Ers:CardAuthentication:TrustedRoots:0", DevPki.CertificatePath(pki, DevPki.SmartcardRootName))
            .Set("Ers:CardAuthentication:IntermediateCertificates:0", DevPki.CertificatePath(pki, DevPki.SmartcardIssuingName))
            .Set("Ers:CardAuthentication:CrlSources:0", DevPki.CrlPath(pki, DevPki.SmartcardIssuingName))
            .Set("Ers:Workstations:TrustedRoots:0", DevPki.CertificatePath(pki, DevPki.WorkstationCaName))
            .Set("Ers:Workstations:CrlSources:0", DevPki.CrlPath(pki, DevPki.WorkstationCaName))
            .Set("Ers:Tokens:KeyFile", Path.Combine(pki, DevPki.TokenKeyFile));

    /// <summary>The agents' mutual-TLS listener on <paramref name="url"/> with the PKI's server certificate.</summary>
    public ErsSettings AgentApi(string pki, string url = "https://127.0.0.1:0") =>
        Set("Ers:AgentApi:HttpsUrl", url)
            .Set("Ers:AgentApi:ServerCertificatePath", DevPki.CertificatePath(pki, DevPki.ServerName))
            .Set("Ers:AgentApi:ServerCertificateKeyPath", DevPki.KeyPath(pki, DevPki.ServerName));

    public ErsSettings WithoutAgentApi() => Set("Ers:AgentApi:HttpsUrl", "");

    /// <summary>Pages on plain HTTP (behind a TLS-terminating proxy, as the tests of forwarded headers need).</summary>
    public ErsSettings BrowserHttp(string url = "http://127.0.0.1:0") => Set("Urls", url);

    /// <summary>Pages over real Kestrel TLS with the PKI's server certificate (the <c>__Host-</c> cookie needs HTTPS).</summary>
    public ErsSettings BrowserHttps(string pki, string url = "https://127.0.0.1:0") =>
        Set("Urls", url)
            .Set("Kestrel:Certificates:Default:Path", DevPki.CertificatePath(pki, DevPki.ServerName))
            .Set("Kestrel:Certificates:Default:KeyPath", DevPki.KeyPath(pki, DevPki.ServerName));

    /// <summary>The same settings as environment variables for a host process (<c>:</c> becomes <c>__</c>).</summary>
    public IReadOnlyDictionary<string, string> ToEnvironment() =>
        _values.ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
