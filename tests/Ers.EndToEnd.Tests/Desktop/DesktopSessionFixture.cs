using Ers.Testing.Desktop;

namespace Ers.EndToEnd.Tests.Desktop;

/// <summary>
/// A clinician's workstation and Ers, every part real: pcscd (the one per machine), the stack without an agent of its
/// own (Ers.Web on Kestrel with TLS, a co-hosted silo and its grains, the sample directory), a desktop session (Xvfb,
/// session D-Bus, dunst) and on it the built agent run as its user unit runs it. Stopped in the reverse order.
/// </summary>
public sealed class DesktopSessionFixture : IAsyncLifetime
{
    private readonly PcscdFixture _pcscd = new();

    public EndToEndStack Stack { get; private set; } = null!;

    public DesktopSession Desktop { get; private set; } = null!;

    public DesktopAgentProcess Agent { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _pcscd.InitializeAsync();
        Stack = await EndToEndStack.StartAsync(inProcessAgent: false);
        foreach (var user in DesktopSessionTests.Users)
        {
            await Stack.WaitForUserAsync(user);
        }

        Desktop = await DesktopSession.StartAsync();
        Agent = await DesktopAgentProcess.StartAsync(Stack, Desktop);
    }

    /// <summary>
    /// Every part is stopped even when one fails to: a pcscd or Xvfb left running would hold the machine's one
    /// pcscd (and the lock its users take) after the test run ended.
    /// </summary>
    public async Task DisposeAsync()
    {
        try
        {
            if (Agent is not null)
            {
                await Agent.DisposeAsync();
            }
        }
        finally
        {
            try
            {
                if (Desktop is not null)
                {
                    await Desktop.DisposeAsync();
                }
            }
            finally
            {
                try
                {
                    if (Stack is not null)
                    {
                        await Stack.DisposeAsync();
                    }
                }
                finally
                {
                    await _pcscd.DisposeAsync();
                }
            }
        }
    }
}
