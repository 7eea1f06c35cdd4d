using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Hosts;
using Ers.Testing.Silos;
using Ers.Tools.Pki;
using Ers.Web.Security;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Ers.Benchmarks;

/// <summary>
/// Token requests per second per core (issue 17's closing note): a real Ers.Web on Kestrel TLS with its co-hosted
/// silo and the OpenID Connect provider on its SQLite store (the embedded run's), one card session logged in through
/// the login link, then per run: N codes issued (not measured), N code exchanges (PKCE) and N refreshes, each phase
/// <see cref="Concurrency"/> requests at a time. "Per core" is requests per CPU-second of this process (utime + stime
/// from /proc/self/stat, as perf/Ers.EndToEnd.Bench/DesktopBench.cs reads a process's), which holds the server and
/// the client: the server alone does more per core than this says.
/// </summary>
public static partial class TokenThroughput
{
    private const string ClientId = "bench-client";
    private const string RedirectUri = "https://bench.example.test/cb";
    private const string UserId = "555294209106";        // Dr Rahul Mehta, samples/directory.json
    private const string RoleProfileId = "555021935108";
    private const int Concurrency = 8;

    public static async Task RunAsync(int requests, int runs)
    {
        ErsWebFactory? factory = null;
        factory = new ErsWebFactory("ers-token-bench")
        {
            Configure = settings => settings
                .BrowserHttps(factory!.PkiDirectory)
                .WithoutAgentApi()
                .Oidc(factory.PkiDirectory, factory.DataDirectory)
                // Codes are issued ahead of the measured phase: they must outlive it.
                .Set("Ers:Oidc:AuthorizationCodeLifetime", "00:30:00")
                .Set("Ers:Oidc:Clients:0:ClientId", ClientId)
                .Set("Ers:Oidc:Clients:0:RedirectUris:0", RedirectUri)
                .Set("Ers:Oidc:Clients:0:Scopes:0", "profile")
                .Set("Ers:Oidc:Clients:0:Scopes:1", "offline_access")
                .Set("Logging:LogLevel:Default", "Warning"),
        };
        await using var host = factory;
        host.StartKestrel();
        await host.WaitForUserAsync(UserId);
        var serverCa = X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(host.PkiDirectory, DevPki.ServerCaName));
        using var browser = Client(host.AddressOf("https"), serverCa, new CookieContainer());
        using var backChannel = Client(host.AddressOf("https"), serverCa, null);
        await LogInAsync(host, browser);

        var exchanges = new List<double>();
        var refreshes = new List<double>();
        await RunOnceAsync(browser, backChannel, Math.Min(requests, 50)); // warm-up: JIT, pools, the store's caches
        for (var run = 1; run <= runs; run++)
        {
            var (exchange, refresh) = await RunOnceAsync(browser, backChannel, requests);
            exchanges.Add(exchange);
            refreshes.Add(refresh);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: code exchange {exchange:F0} /s per core, refresh {refresh:F0} /s per core"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Token requests per CPU-second (server and client in one process), {runs} runs of {requests}, {Concurrency} at a time, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}:"));
        Row("code exchange (authorization_code + PKCE)", exchanges);
        Row("refresh (refresh_token)", refreshes);
    }

    /// <summary>One run: codes issued, then exchanged (measured), then each refresh token used once (measured).</summary>
    private static async Task<(double Exchange, double Refresh)> RunOnceAsync(HttpClient browser, HttpClient backChannel, int requests)
    {
        var codes = new (string Code, string Verifier)[requests];
        await ForEachAsync(requests, async i => codes[i] = await CodeAsync(browser));

        var refreshTokens = new string[requests];
        var exchange = await MeasureAsync(requests, async i => refreshTokens[i] = await TokenAsync(backChannel, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = codes[i].Code,
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = ClientId,
            ["code_verifier"] = codes[i].Verifier,
        }));
        var refresh = await MeasureAsync(requests, async i => await TokenAsync(backChannel, new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshTokens[i],
            ["client_id"] = ClientId,
        }));
        return (exchange, refresh);
    }

    /// <summary>Requests per CPU-second of this process over <paramref name="count"/> calls of <paramref name="one"/>.</summary>
    private static async Task<double> MeasureAsync(int count, Func<int, Task> one)
    {
        var cpu = CpuSeconds();
        await ForEachAsync(count, one);
        return count / (CpuSeconds() - cpu);
    }

    private static Task ForEachAsync(int count, Func<int, Task> one) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) => await one(i));

    /// <summary>A code for a fresh PKCE pair: the session in the browser's cookie answers at once with a redirect.</summary>
    private static async Task<(string Code, string Verifier)> CodeAsync(HttpClient browser)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var url = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["redirect_uri"] = RedirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid profile offline_access",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = "bench",
        });
        using var response = await browser.GetAsync(url);
        var location = response.Headers.Location;
        if (response.StatusCode != HttpStatusCode.Redirect || location is null || !location.AbsoluteUri.StartsWith(RedirectUri, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"no code: {(int)response.StatusCode} {location}");
        }

        return (QueryHelpers.ParseQuery(location.Query)["code"].ToString(), verifier);
    }

    /// <summary>One token request; answers the refresh token it was given.</summary>
    private static async Task<string> TokenAsync(HttpClient backChannel, Dictionary<string, string> form)
    {
        using var response = await backChannel.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token request refused: {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("refresh_token").GetString()!;
    }

    /// <summary>A card session (as the agent starts it) and its login link opened and continued, as a browser does.</summary>
    private static async Task LogInAsync(ErsWebFactory host, HttpClient browser)
    {
        var card = host.Grains.GetGrain<ICardGrain>("card-" + Guid.NewGuid().ToString("N"));
        var workstationId = "ws-" + Guid.NewGuid().ToString("N");
        var started = await card.LogInAsync(workstationId, UserId);
        var sessionId = started.Value?.SessionId ?? "none";
        var session = host.Grains.GetGrain<ISessionGrain>(sessionId);
        var role = started.IsSuccess ? await session.SelectRoleAsync(RoleProfileId) : null;
        var ticket = role is { IsSuccess: true } ? await session.IssueBrowserTicketAsync() : null;
        if (ticket?.Value is not { } issued)
        {
            throw new InvalidOperationException("no card session: " + (started.Refusal ?? role?.Refusal ?? ticket?.Refusal)?.Message);
        }

        var link = "/login?ticket=" + Uri.EscapeDataString(host.Services.GetRequiredService<BrowserTicketTokens>().Protect(sessionId, issued.TicketId, issued.ExpiresAt));
        var page = await browser.GetStringAsync(link);
        var field = AntiforgeryField().Match(page);
        using var continued = await browser.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(field.Groups[1].Value),
        }));
        if (continued.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"the login link was not accepted: {(int)continued.StatusCode}");
        }
    }

    private static HttpClient Client(Uri baseAddress, X509Certificate2 serverCa, CookieContainer? cookies) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { serverCa },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        })
        { BaseAddress = baseAddress };

    /// <summary>This process's user + system CPU time (/proc/self/stat fields 14 and 15, clock ticks of 10 ms).</summary>
    private static double CpuSeconds()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static void Row(string name, List<double> values)
    {
        var sorted = values.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-42} median {sorted[sorted.Count / 2],6:F0} /s per core   spread {sorted[0]:F0}..{sorted[^1]:F0} ({(sorted[^1] - sorted[0]) / sorted[sorted.Count / 2] * 100:F0} % of the median)"));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
