using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Cards;
using Ers.Sessions;
using Ers.Web.Browser;
using Ers.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Browser.Tests;

/// <summary>
/// A real Ers.Web (its own Program, co-hosting a silo on free ports) on Kestrel with TLS on 127.0.0.1, a certificate
/// made at start, and Debian's Chromium driven by Playwright. Sessions are made through the grains.
/// </summary>
public class ErsWebHost : IAsyncLifetime
{
    private readonly string _dataDir = System.IO.Directory.CreateTempSubdirectory("ers-browser-tests-").FullName;
    private WebApplicationFactory<Program>? _factory;
    private Microsoft.Playwright.IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _factory!.Services;

    public Microsoft.Playwright.IBrowser Browser { get; private set; } = null!;

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Settings on top of appsettings.json; subclasses shorten timeouts.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    public async Task InitializeAsync()
    {
        using var certificate = CreateServerCertificate();
        var settings = new Dictionary<string, string>
        {
            ["Ers:Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ers:Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ers:Cluster:ClusterId"] = "ers-browser-tests-" + Guid.NewGuid().ToString("N")[..8],
            ["Ers:Directory:SeedFile"] = Path.Combine(RepoRoot, "samples", "directory.json"),
            ["Ers:Audit:FilePath"] = Path.Combine(_dataDir, "audit.jsonl"),
            ["Ers:Sessions:HeartbeatTimeout"] = "01:00:00",
            ["Ers:Sessions:MaxSessionsPerUser"] = "50",
            ["Ers:Web:Browser:DataProtectionKeysPath"] = Path.Combine(_dataDir, "keys"),
        };
        foreach (var (key, value) in PkiSettings(Path.Combine(_dataDir, "pki")).Concat(Settings))
        {
            settings[key] = value;
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        // The certificate is copied into Kestrel's options; its private key must outlive this method.
        var serverCertificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serverCertificate)));
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        await Services.GetRequiredService<SessionEndSubscription>().Subscribed.WaitAsync(TimeSpan.FromSeconds(60));

        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a stopping host: the temp folder is cleaned by the system.
        }
    }

    /// <summary>A fresh page in its own browser context (its own cookies), trusting the test certificate.</summary>
    public async Task<Microsoft.Playwright.IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true, BaseURL = BaseAddress.ToString() });
        // No network beyond the test host: the NHS web font host is not reachable here.
        await context.RouteAsync("https://assets.nhs.uk/**", route => route.AbortAsync());
        return await context.NewPageAsync();
    }

    /// <summary>
    /// What the agent would do for a user who just proved their card: insert the card, start the session, choose a
    /// role when asked, issue a browser ticket, and make the login link.
    /// </summary>
    public async Task<LoggedInCard> StartSessionAsync(string userId, string? roleProfileId = null)
    {
        var cardId = "card-" + Guid.NewGuid().ToString("N");
        var workstationId = "ws-" + Guid.NewGuid().ToString("N");
        var sessionId = Guid.NewGuid().ToString("N");
        var card = Grains.GetGrain<ICardGrain>(cardId);
        Assert.True((await card.InsertedAsync(workstationId)).IsSuccess);
        var started = await card.StartSessionAsync(workstationId, userId, sessionId);
        Assert.True(started.IsSuccess, started.Refusal?.Message);
        var session = Grains.GetGrain<ISessionGrain>(sessionId);
        if (roleProfileId is not null)
        {
            var role = await session.SelectRoleAsync(roleProfileId);
            Assert.True(role.IsSuccess, role.Refusal?.Message);
        }

        return new LoggedInCard(this, card, workstationId, session, sessionId);
    }

    /// <summary>The login link in the agents' API's token format (<see cref="BrowserTicketTokens"/>).</summary>
    public string LoginLink(string sessionId, BrowserTicket ticket) =>
        "/login?ticket=" + Uri.EscapeDataString(Services.GetRequiredService<BrowserTicketTokens>().Protect(sessionId, ticket.TicketId, ticket.ExpiresAt));

    /// <summary>The settings the card-authentication side of the host requires at start (see DevPki).</summary>
    public static IEnumerable<KeyValuePair<string, string>> PkiSettings(string directory) =>
        Ers.Tools.Pki.DevPki.PagesHostSettings(directory);

    private static X509Certificate2 CreateServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ers.sln not found above the test output folder.");
    }
}

/// <summary>A card in a reader with a live session, as the agent would hold it.</summary>
public sealed record LoggedInCard(ErsWebHost Host, ICardGrain Card, string WorkstationId, ISessionGrain Session, string SessionId)
{
    public async Task<string> LoginLinkAsync()
    {
        var ticket = await Session.IssueBrowserTicketAsync();
        Assert.True(ticket.IsSuccess, ticket.Refusal?.Message);
        return Host.LoginLink(SessionId, ticket.Value!);
    }

    public Task RemoveAsync() => Card.RemovedAsync(WorkstationId);
}
