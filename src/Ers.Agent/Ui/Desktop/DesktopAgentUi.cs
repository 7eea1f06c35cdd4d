using Ers.Agent.Journey;
using Ers.Api;

namespace Ers.Agent.Ui.Desktop;

/// <summary>
/// The desktop UI (<c>--ui desktop</c>): the passcode in the desktop's PIN dialog (<see cref="PinentryClient"/>);
/// messages and the role choice still go to <paramref name="inner"/>, the terminal or line UI, so the same fixed
/// sentences are logged there too. One passcode dialog at a time, even with two readers.
/// </summary>
public sealed class DesktopAgentUi(IAgentUi inner, PinentryClient pinentry) : IAgentUi, IDisposable
{
    private readonly SemaphoreSlim _dialog = new(1, 1);

    public void Show(AgentNotice notice) => inner.Show(notice);

    public async Task<char[]> AskPinAsync(string reader, int triesLeft, CancellationToken cancellationToken)
    {
        await _dialog.WaitAsync(cancellationToken);
        try
        {
            return await pinentry.AskPinAsync(reader, triesLeft, cancellationToken);
        }
        finally
        {
            _dialog.Release();
        }
    }

    public Task<RoleProfileDto> ChooseRoleAsync(string reader, string userName, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken) =>
        inner.ChooseRoleAsync(reader, userName, roles, cancellationToken);

    public void Dispose()
    {
        _dialog.Dispose();
        (inner as IDisposable)?.Dispose();
    }
}
