using System.Net;
using System.Text.RegularExpressions;
using Ers.Audit;
using Ers.Testing.Hosts;
using Ers.Testing.Silos;
using Ers.Web.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Web.Tests.Ra;

/// <summary>
/// One Ers.Web (co-hosting its silo, the sample directory with its RA users) for the RA console and admin API tests.
/// Sessions start as the agent starts them (card inserted, proved, role chosen, browser ticket) and the browser's
/// cookie comes from the real login page, so every request goes through the real cookie and anti-forgery handling.
/// </summary>
public sealed partial class RaConsoleHost : IAsyncLifetime
{
    public const string HelenBrooks = "555294209112"; // RA Manager at RYY (and provider admin there)
    public const string HelenRaRole = "555021935120";
    public const string OwenPrice = "555294209113"; // RA Agent at E82665
    public const string LenaFischer = "555294209114"; // Local Smartcard Administrator at RYY: view and unlock only
    public const string SamOkafor = "555294209107"; // provider admin at RYY
    public const string AmeliaHart = "555294209105"; // referrer at E82665

    private readonly ErsWebFactory _factory = new("ers-ra-tests")
    {
        Configure = s => s.Set("Ers:Sessions:MaxSessionsPerUser", "50"),
    };

    public IGrainFactory Grains => _factory.Grains;

    public IAuditTrail Audit => _factory.Services.GetRequiredService<IAuditTrail>();

    public async Task InitializeAsync()
    {
        await _factory.WaitForUserAsync(LenaFischer);
        await _factory.WaitForSessionPushAsync();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>A live session of a user, as the agent makes it, without a browser.</summary>
    public async Task<CardSession> StartSessionAsync(string userId, string? roleProfileId = null)
    {
        var started = await LoginDriver.StartSessionAsync(Grains, userId, roleProfileId, workstationId: "ws-" + Guid.NewGuid().ToString("N")[..12]);
        return new CardSession(started.CardId, started.WorkstationId, started.SessionId, started.Session);
    }

    /// <summary>A browser with no cookie at all.</summary>
    public HttpClient Anonymous() =>
        _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

    /// <summary>A browser (cookies kept, redirects not followed) logged in to a new session of the user.</summary>
    public async Task<(HttpClient Browser, CardSession Session)> LogInAsync(string userId, string? roleProfileId = null)
    {
        var session = await StartSessionAsync(userId, roleProfileId);
        var browser = Anonymous();
        var ticket = await session.Grain.IssueBrowserTicketAsync();
        var link = "/login?ticket=" + Uri.EscapeDataString(
            _factory.Services.GetRequiredService<BrowserTicketTokens>().Protect(session.SessionId, ticket.Value!.TicketId, ticket.Value.ExpiresAt));
        var form = await browser.GetStringAsync(link);
        var login = await browser.PostAsync(link, Form(form));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return (browser, session);
    }

    /// <summary>A form post with the anti-forgery token of the page it came from.</summary>
    public static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields) =>
        new([new("__RequestVerificationToken", Token(page)), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    public static string Token(string page) => AntiforgeryInput().Match(page) is { Success: true } m
        ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new InvalidOperationException("The page has no anti-forgery token.");

    /// <summary>Audit records written by an RA since <paramref name="since"/>.</summary>
    public Task<IReadOnlyList<AuditRecord>> RecordsOfAsync(string userId, DateTimeOffset since) =>
        Audit.QueryAsync(new AuditQuery(UserId: userId, From: since));

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
