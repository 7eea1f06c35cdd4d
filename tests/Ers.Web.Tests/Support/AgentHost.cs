using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Audit;
using Ers.Grains;
using Ers.Tools.Pki;
using Ers.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Ers.Web.Tests.Support;

/// <summary>
/// The real Ers.Web host on real Kestrel with real TLS, co-hosting an in-process silo, with a development PKI made
/// by the <c>ers pki</c> code in a temporary directory. One per test class.
/// </summary>
public class AgentHost : IAsyncLifetime
{
    public const string ProxyAddress = "127.0.0.2";

    private WebApplicationFactory<Program>? _factory;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "ers-web-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The rules' clock (keyed <see cref="ErsTime.Key"/>), shared by grains and card authentication.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public DevPki Pki { get; private set; } = null!;

    public X509Certificate2 Workstation1 { get; private set; } = null!;

    public X509Certificate2 Workstation2 { get; private set; } = null!;

    /// <summary>A workstation certificate from a CA Ers does not trust.</summary>
    public X509Certificate2 ForeignWorkstation { get; private set; } = null!;

    /// <summary>A smartcard CA Ers does not trust.</summary>
    public CertificateAuthority ForeignCardCa { get; private set; } = null!;

    public Uri AgentUrl { get; private set; } = null!;

    public Uri BrowserUrl { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IAuditTrail Audit => Services.GetRequiredService<IAuditTrail>();

    public async Task InitializeAsync()
    {
        TestKeys.CopyCas(Directory);
        Pki = DevPki.Open(Directory, Time);
        Pki.IssueServer();
        Workstation1 = Pki.IssueWorkstation("WS-TEST-0001");
        Workstation2 = Pki.IssueWorkstation("WS-TEST-0002");
        Pki.EnsureTokenKey();
        Pki.WriteCrls(TimeSpan.FromDays(7));

        TestKeys.CopyCas(Path.Combine(Directory, "foreign"), foreign: true);
        var foreign = DevPki.Open(Path.Combine(Directory, "foreign"), Time);
        ForeignWorkstation = foreign.IssueWorkstation("WS-TEST-0001");
        ForeignCardCa = foreign.SmartcardIssuing;

        var settings = new Dictionary<string, string>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Ers:AgentApi:HttpsUrl"] = "https://127.0.0.1:0",
            ["Ers:AgentApi:ServerCertificatePath"] = DevPki.CertificatePath(Directory, DevPki.ServerName),
            ["Ers:AgentApi:ServerCertificateKeyPath"] = DevPki.KeyPath(Directory, DevPki.ServerName),
            ["Ers:Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ers:Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ers:Cluster:ClusterId"] = "ers-web-tests-" + Guid.NewGuid().ToString("N"),
            ["Ers:Directory:SeedFile"] = Path.Combine(RepositoryRoot(), "samples", "directory.json"),
            ["Ers:Audit:FilePath"] = Path.Combine(Directory, "audit.jsonl"),
            ["Ers:Sessions:HeartbeatTimeout"] = "01:00:00",
            ["Ers:CardAuthentication:TrustedRoots:0"] = DevPki.CertificatePath(Directory, DevPki.SmartcardRootName),
            ["Ers:CardAuthentication:IntermediateCertificates:0"] = DevPki.CertificatePath(Directory, DevPki.SmartcardIssuingName),
            ["Ers:CardAuthentication:CrlSources:0"] = DevPki.CrlPath(Directory, DevPki.SmartcardIssuingName),
            ["Ers:Workstations:TrustedRoots:0"] = DevPki.CertificatePath(Directory, DevPki.WorkstationCaName),
            ["Ers:Workstations:CrlSources:0"] = DevPki.CrlPath(Directory, DevPki.WorkstationCaName),
            ["Ers:Workstations:TrustedProxies:0"] = ProxyAddress,
            ["Ers:Tokens:KeyFile"] = Path.Combine(Directory, DevPki.TokenKeyFile),
            ["Ers:AgentApi:BrowserBaseUrl"] = "",
        };
        foreach (var (key, value) in ExtraSettings())
        {
            settings[key] = value;
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            // Explicit, so hosts started outside a test run (the benchmark) find Ers.Web's appsettings too.
            builder.UseContentRoot(Path.Combine(RepositoryRoot(), "src", "Ers.Web"));
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(ErsTime.Key, Time));
        });
        _factory.UseKestrel();
        _factory.StartServer();

        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        AgentUrl = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)));
        BrowserUrl = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)));
        await WaitForDirectoryAsync();
    }

    /// <summary>Settings a derived host changes on top of the ones above (e.g. an unreachable audit store).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings() => [];

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing host; the OS temp cleaner takes it.
        }
    }

    /// <summary>An HTTPS client of the agent endpoint presenting <paramref name="clientCertificate"/> (or none).</summary>
    public HttpClient AgentClient(X509Certificate2? clientCertificate)
    {
        var serverRoot = X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(Directory, DevPki.ServerCaName));
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                LocalCertificateSelectionCallback = (_, _, local, _, _) => clientCertificate!,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(serverRoot);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 server && chain.Build(server);
                },
            },
        };
        if (clientCertificate is null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = null;
        }

        return new HttpClient(handler) { BaseAddress = AgentUrl };
    }

    /// <summary>A plain-HTTP client of the browser endpoint whose connections come from <paramref name="localAddress"/>.</summary>
    public HttpClient ProxyClient(string localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = BrowserUrl };
    }

    public TestCard IssueCard(string userId, string name, KeyAlgorithm algorithm = KeyAlgorithm.Rsa2048) =>
        IssueCard(userId, name, Time.GetUtcNow().AddMinutes(-5), Time.GetUtcNow().AddDays(365), algorithm);

    public TestCard IssueCard(string userId, string name, DateTimeOffset notBefore, DateTimeOffset notAfter,
        KeyAlgorithm algorithm = KeyAlgorithm.Rsa2048, X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature)
    {
        var card = TestCard.Issue(Pki.SmartcardIssuing, userId, name, algorithm, notBefore, notAfter, keyUsage);
        Pki.RecordIssued(card.Certificate, DevPki.SmartcardIssuingName, "card");
        return card;
    }

    /// <summary>Revokes a certificate in the PKI, publishes the CRLs and makes Ers refresh them now.</summary>
    public async Task RevokeAndRefreshAsync(string serialNumber)
    {
        Pki.Revoke(serialNumber);
        Pki.WriteCrls(TimeSpan.FromDays(7));
        await Services.GetRequiredService<CrlRefreshService>().RefreshNowAsync();
    }

    public async Task<AuditRecord> LastAuditAsync() => (await Audit.QueryAsync(new AuditQuery(Limit: 1))).Single();

    public async Task<int> AuditCountAsync() => (await Audit.QueryAsync(new AuditQuery(Limit: int.MaxValue))).Count;

    /// <summary>Live activations of the Ers grains (sessions, cards, users, workstations) in the silo.</summary>
    public async Task<int> ErsActivationsAsync()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("Ers.Grains", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    /// <summary>Inserts a card and signs its challenge: the full protocol.</summary>
    public async Task<(HttpResponseMessage Response, CardInsertedResponse Challenge)> LoginAsync(HttpClient client, TestCard card)
    {
        var challenge = await InsertAsync(client, card);
        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, card.Sign(challenge.Challenge)));
        return (response, challenge);
    }

    public async Task<CardInsertedResponse> InsertAsync(HttpClient client, TestCard card)
    {
        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.CertificateDer));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CardInsertedResponse>())!;
    }

    protected virtual async Task WaitForDirectoryAsync()
    {
        // The directory is seeded by a hosted service once the silo is up; wait for it rather than sleeping.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await Grains.GetGrain<Ers.Staff.IUserGrain>("555294209105").GetProfileAsync()) is null)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ers.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Ers.sln not found above the test directory.");
    }
}
