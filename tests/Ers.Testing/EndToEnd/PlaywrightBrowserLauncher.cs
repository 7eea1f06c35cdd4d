using System.Diagnostics;
using System.Threading.Channels;
using Ers.Agent.Journey;

namespace Ers.Testing.EndToEnd;

/// <summary>The agent's "open the browser" step, handing the URL to the Playwright-driven Chromium instead of xdg-open.</summary>
public sealed class PlaywrightBrowserLauncher(ChannelWriter<OpenedUrl> opened) : IBrowserLauncher
{
    public void Open(Uri loginUrl) => opened.TryWrite(new OpenedUrl(loginUrl, Stopwatch.GetTimestamp()));
}
