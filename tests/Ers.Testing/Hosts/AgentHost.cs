using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Audit;
using Ers.Cards;
using Ers.Grains;
using Ers.Testing.Pki;
using Ers.Tools.Pki;
using Ers.Web.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ers.Testing.Hosts;

/// <summary>
/// An <see cref="ErsWebFactory"/> for the agents' API: real Kestrel with real TLS, a co-hosted silo, the rules'
/// clock under the test's control, two trusted workstations, a foreign workstation and a foreign card CA, and the
/// card protocol as helpers. One per test class (an xunit fixture); the login benchmark starts one too.
/// </summary>
public class AgentHost : IAsyncLifetime
{
    private readonly ConditionalWeakTable<HttpClient, string> _workstationOf = [];
    private ErsWebFactory? _factory;

    private ErsWebFactory Factory => _factory ?? throw new InvalidOperationException("Not started.");

    /// <summary>The host's PKI directory.</summary>
    public string Directory => Factory.PkiDirectory;

    /// <summary>The rules' clock (keyed <see cref="ErsTime.Key"/>), shared by grains and card authentication.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public DevPki Pki => Factory.Pki;

    public X509Certificate2 Workstation1 { get; private set; } = null!;

    public X509Certificate2 Workstation2 { get; private set; } = null!;

    /// <summary>A workstation certificate from a CA Ers does not trust.</summary>
    public X509Certificate2 ForeignWorkstation { get; private set; } = null!;

    /// <summary>A smartcard CA Ers does not trust.</summary>
    public CertificateAuthority ForeignCardCa { get; private set; } = null!;

    public Uri AgentUrl { get; private set; } = null!;

    public Uri BrowserUrl { get; private set; } = null!;

    /// <summary>The ingress port (<c>Ers:Ingress:HttpsUrl</c>) when the host has one.</summary>
    public Uri? IngressUrl { get; private set; }

    public IServiceProvider Services => Factory.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IAuditTrail Audit => Services.GetRequiredService<IAuditTrail>();

    public async Task InitializeAsync()
    {
        _factory = new ErsWebFactory("ers-web-tests")
        {
            RulesTime = Time,
            HostEnvironment = "Testing",
            Configure = settings => settings
                .Set("Ers:AgentApi:BrowserBaseUrl", "")
                .Set(ExtraSettings()),
        };
        Workstation1 = Pki.IssueWorkstation("WS-TEST-0001");
        Workstation2 = Pki.IssueWorkstation("WS-TEST-0002");

        var foreignDirectory = Path.Combine(_factory.DataDirectory, "foreign");
        TestKeys.CopyCas(foreignDirectory, foreign: true);
        var foreign = DevPki.Open(foreignDirectory, Time);
        ForeignWorkstation = foreign.IssueWorkstation("WS-TEST-0001");
        ForeignCardCa = foreign.SmartcardIssuing;

        _factory.StartKestrel();
        // The agents' own listener; a host with an ingress port (Ers:Ingress) has a second https address.
        IngressUrl = Services.GetRequiredService<IngressOptions>().HttpsUrl is { Length: > 0 } ingress ? new Uri(ingress) : null;
        AgentUrl = _factory.Addresses.Single(a => a.Scheme == "https" && a.Port != IngressUrl?.Port);
        BrowserUrl = _factory.AddressOf("http");
        await WaitForDirectoryAsync();
    }

    /// <summary>Settings a derived host changes on top of the shared ones (e.g. an unreachable audit store).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings() => [];

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    /// <summary>An HTTPS client of the agent endpoint presenting <paramref name="clientCertificate"/> (or none).</summary>
    public HttpClient AgentClient(X509Certificate2? clientCertificate)
    {
        var client = AgentHttpClient.Create(AgentUrl, clientCertificate,
            X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(Directory, DevPki.ServerCaName)));
        if (clientCertificate is not null)
        {
            _workstationOf.Add(client, clientCertificate.GetNameInfo(X509NameType.SimpleName, false));
        }

        return client;
    }

    /// <summary>The workstation id (CN) of the certificate <paramref name="client"/> presents.</summary>
    public string WorkstationOf(HttpClient client) =>
        _workstationOf.TryGetValue(client, out var id) ? id : throw new InvalidOperationException("Not a client of AgentClient with a certificate.");

    /// <summary>The login statement of <paramref name="challenge"/> for <paramref name="cardId"/>, as a genuine agent on <paramref name="client"/> builds it.</summary>
    public byte[] Statement(HttpClient client, string cardId, CardInsertedResponse challenge) =>
        LoginStatement.Build(LoginStatement.Origin(client.BaseAddress!), WorkstationOf(client), cardId, challenge.ChallengeId, challenge.Nonce);

    /// <summary>The card's signature over the login statement of <paramref name="challenge"/>, as a genuine agent on <paramref name="client"/> makes it.</summary>
    public byte[] Sign(HttpClient client, TestCard card, CardInsertedResponse challenge) =>
        card.SignStatement(client.BaseAddress!, WorkstationOf(client), challenge);

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
        KeyAlgorithm algorithm = KeyAlgorithm.Rsa2048, X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature) =>
        TestCard.IssueRecorded(Pki, userId, name, algorithm, notBefore, notAfter, keyUsage);

    /// <summary>Revokes a certificate in the PKI, publishes the CRLs and makes Ers refresh them now.</summary>
    public async Task RevokeAndRefreshAsync(string serialNumber)
    {
        Pki.Revoke(serialNumber);
        Pki.WriteCrls(TestPkiMaker.CrlValidity);
        await Services.GetRequiredService<CrlRefreshService>().RefreshNowAsync();
    }

    public async Task<AuditRecord> LastAuditAsync() => (await Audit.QueryAsync(new AuditQuery(Limit: 1))).Single();

    public async Task<int> AuditCountAsync() => (await Audit.QueryAsync(new AuditQuery(Limit: int.MaxValue))).Count;

    /// <summary>
    /// Live activations of the Ers grains that hold state (sessions, cards, users, workstations) in the silo; not the
    /// stateless audit channel, whose workers come and go with the load of refusals.
    /// </summary>
    public async Task<int> ErsActivationsAsync()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics
            .Where(s => s.GrainType.Contains("Ers.Grains", StringComparison.Ordinal)
                && !s.GrainType.Contains(nameof(Ers.Grains.Audit.EdgeAuditGrain), StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
    }

    /// <summary>
    /// Inserts a card and signs its challenge: the full protocol. A login that succeeds is returned once its one-way
    /// work has landed (<see cref="WaitForLoginSettledAsync"/>).
    /// </summary>
    public async Task<(HttpResponseMessage Response, CardInsertedResponse Challenge)> LoginAsync(HttpClient client, TestCard card)
    {
        var challenge = await InsertAsync(client, card);
        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
            new CardAuthenticateRequest(challenge.ChallengeToken, Sign(client, card, challenge)));
        if (response.IsSuccessStatusCode)
        {
            await WaitForLoginSettledAsync(card);
        }

        return (response, challenge);
    }

    /// <summary>
    /// Waits until what a successful login leaves to run after its answer has run: the one-way bind of its
    /// certificate, which activates the certificate grain and ends in the card grain. A test that counts activations
    /// or compares state after a login then sees only what it caused itself.
    /// </summary>
    public Task WaitForLoginSettledAsync(TestCard card) =>
        Eventually.TrueAsync(async () => (await Grains.GetGrain<ICardGrain>(card.CardId).GetCertificatesAsync()).Count > 0,
            "the login's certificate bind to reach the card");

    public async Task<CardInsertedResponse> InsertAsync(HttpClient client, TestCard card)
    {
        var response = await client.PostAsJsonAsync(AgentApiRoutes.CardInserted, new CardInsertedRequest(card.CardId, card.CertificateDer, LoginStatement.Protocol));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CardInsertedResponse>())!;
    }

    /// <summary>Waits for the sample directory (seeded by a hosted service once the silo is up); a derived host without it overrides.</summary>
    protected virtual Task WaitForDirectoryAsync() => Factory.WaitForUserAsync("555294209105");
}
