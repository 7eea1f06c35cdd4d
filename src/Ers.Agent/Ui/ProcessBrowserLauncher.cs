using System.Diagnostics;
using Ers.Agent.Journey;

namespace Ers.Agent.Ui;

/// <summary>Opens the login URL with a configurable command (<c>xdg-open</c> by default); the URL is one argument.</summary>
public sealed class ProcessBrowserLauncher(string command) : IBrowserLauncher
{
    public void Open(Uri loginUrl)
    {
        var start = new ProcessStartInfo(command) { UseShellExecute = false };
        start.ArgumentList.Add(loginUrl.AbsoluteUri);
        using var process = Process.Start(start);
    }
}
