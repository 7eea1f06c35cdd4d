using Microsoft.Playwright;

namespace Ers.Testing.Browsers;

/// <summary>Debian's Chromium (<c>/usr/bin/chromium</c>), headless, driven by Playwright.</summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private ChromiumBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
            });
            return new ChromiumBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A fresh page in its own browser context (its own cookies) that accepts the test host's certificate; the NHS
    /// web font host is not reachable here, so its requests are cut short.
    /// </summary>
    public async Task<IPage> NewPageAsync(Uri? baseAddress = null)
    {
        var context = await Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true, BaseURL = baseAddress?.ToString() });
        await context.RouteAsync("https://assets.nhs.uk/**", route => route.AbortAsync());
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
