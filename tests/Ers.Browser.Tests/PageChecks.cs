using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ers.Browser.Tests;

/// <summary>What every page test checks: no serious or critical accessibility violation, and a screenshot.</summary>
public static class PageChecks
{
    public static string ScreenshotDir { get; } = Ers.Testing.RepoRoot.Combine("artifacts", "screenshots");

    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")
            .ToList();
        Assert.True(serious.Count == 0, $"axe-core found on {page.Url}:\n{string.Join("\n", serious)}");
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(ScreenshotDir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });
    }

    /// <summary>Accessibility check then screenshot: every page the tests visit goes through this.</summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        await AssertAccessibleAsync(page);
        await ScreenshotAsync(page, name);
    }
}
