using Ers.Sessions;
using Ers.Testing.Browsers;
using Ers.Testing.Hosts;
using Ers.Testing.Silos;
using Ers.Web.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Browser.Tests;

/// <summary>
/// The shared Ers.Web test host (<see cref="ErsWebFactory"/>: its own Program, co-hosting a silo on free ports) serving
/// its pages over real Kestrel TLS on 127.0.0.1 with the test PKI's server certificate, the agents' API off, and
/// Debian's Chromium driven by Playwright. Sessions are made through the grains.
/// </summary>
public class ErsWebHost : IAsyncLifetime
{
    private ErsWebFactory? _factory;
    private ChromiumBrowser? _chromium;

    public Uri BaseAddress { get; private set; } = null!;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _factory!.Services;

    public Microsoft.Playwright.IBrowser Browser => _chromium!.Browser;

    /// <summary>The test PKI (the server certificate and its CA), for a second server beside this one.</summary>
    public string PkiDirectory => _factory!.PkiDirectory;

    /// <summary>Settings on top of the shared ones; subclasses shorten timeouts.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    /// <summary>Settings that need the host's own folders (its PKI, its data directory); subclasses turn features on.</summary>
    /// <param name="settings">The settings so far.</param>
    /// <param name="factory">The host being configured.</param>
    protected virtual ErsSettings ConfigureSettings(ErsSettings settings, ErsWebFactory factory) => settings;

    public virtual async Task InitializeAsync()
    {
        var factory = _factory = new ErsWebFactory("ers-browser-tests")
        {
            Configure = settings => ConfigureSettings(
                settings
                    .BrowserHttps(_factory!.PkiDirectory)
                    .WithoutAgentApi()
                    .Set("Ers:Sessions:MaxSessionsPerUser", "50")
                    .Set(Settings),
                _factory),
        };
        factory.StartKestrel();
        BaseAddress = factory.AddressOf("https");
        await factory.WaitForSessionPushAsync();
        _chromium = await ChromiumBrowser.LaunchAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    /// <summary>Stops the web host (its silo too) and leaves the browser open: the server is gone for its pages.</summary>
    public async Task StopServerAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
            _factory = null;
        }
    }

    /// <summary>A fresh page in its own browser context (its own cookies), trusting the test certificate.</summary>
    public Task<Microsoft.Playwright.IPage> NewPageAsync() => _chromium!.NewPageAsync(BaseAddress);

    /// <summary>
    /// What the agent would do for a user who just proved their card: insert the card, start the session, choose a
    /// role when asked, issue a browser ticket, and make the login link.
    /// </summary>
    public async Task<LoggedInCard> StartSessionAsync(string userId, string? roleProfileId = null)
    {
        var started = await LoginDriver.StartSessionAsync(Grains, userId, roleProfileId);
        return new LoggedInCard(this, started.Card, started.WorkstationId, started.Session, started.SessionId);
    }

    /// <summary>The login link in the agents' API's token format (<see cref="BrowserTicketTokens"/>).</summary>
    public string LoginLink(string sessionId, BrowserTicket ticket) =>
        "/login?ticket=" + Uri.EscapeDataString(Services.GetRequiredService<BrowserTicketTokens>().Protect(sessionId, ticket.TicketId, ticket.ExpiresAt));
}
