using Ers.Agent.Journey;
using Ers.Agent.Ui.Desktop;
using Ers.Api;

namespace Ers.Agent.Tests;

/// <summary>The line UI with the status icon following its notices, as DesktopAgentUi wires it, but with the passcode typed as a line.</summary>
internal sealed class IconFollowingUi(IAgentUi inner, StatusIcon icon) : IAgentUi
{
    public void Show(AgentNotice notice)
    {
        inner.Show(notice);
        icon.Follow(notice);
    }

    public Task<char[]> AskPinAsync(string reader, int triesLeft, CancellationToken cancellationToken) =>
        inner.AskPinAsync(reader, triesLeft, cancellationToken);

    public Task<char[]> AskUnblockSecretAsync(string reader, UnblockSecret secret, CancellationToken cancellationToken) =>
        inner.AskUnblockSecretAsync(reader, secret, cancellationToken);

    public Task<RoleProfileDto> ChooseRoleAsync(string reader, string userName, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken) =>
        inner.ChooseRoleAsync(reader, userName, roles, cancellationToken);
}
