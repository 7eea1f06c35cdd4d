using Ers.Agent.Journey;
using Ers.Api;

namespace Ers.Agent.Ui.Desktop;

/// <summary>
/// The desktop UI (<c>--ui desktop</c>): the passcode in the desktop's PIN dialog (<see cref="PinentryClient"/>),
/// the name-and-role confirmation, refusals and "Session ended: ..." as desktop notifications
/// (<see cref="DesktopNotifier"/>). Every message and the role choice still go to <paramref name="inner"/>, the
/// terminal or line UI, so the same fixed sentences are logged there too. One passcode dialog at a time.
/// </summary>
public sealed class DesktopAgentUi(IAgentUi inner, PinentryClient pinentry, DesktopNotifier? notifier = null, StatusIcon? icon = null) : IAgentUi, IDisposable
{
    /// <summary>How long the confirmation stays up: "a pop-up confirming the name and role for a few seconds".</summary>
    public const int ConfirmationMilliseconds = 5000;
    private readonly SemaphoreSlim _dialog = new(1, 1);
    private int _notifierBroken;

    /// <summary>Completes when the latest notification was handed to the daemon (tests wait on it).</summary>
    public Task LastNotification { get; private set; } = Task.CompletedTask;

    public void Show(AgentNotice notice)
    {
        inner.Show(notice);
        icon?.Follow(notice);
        if (notifier is not null && Volatile.Read(ref _notifierBroken) == 0 && NotificationFor(notice) is { } n)
        {
            LastNotification = NotifyAsync(notifier, n);
        }
    }

    /// <summary>Which notices pop up, and how: summary, body (a plain sentence), urgent, expiry in ms (-1: the daemon's).</summary>
    public static (string Summary, string Body, bool Urgent, int ExpireMilliseconds)? NotificationFor(AgentNotice notice) => notice switch
    {
        { State: JourneyState.Active, Level: NoticeLevel.Info } when notice.Message.StartsWith(AgentMessages.ActivePrefix, StringComparison.Ordinal) =>
            ("Logged in", $"Logged in as {notice.Message[AgentMessages.ActivePrefix.Length..]}.", false, ConfirmationMilliseconds),
        { State: JourneyState.Ended } when notice.Message.EndsWith(AgentJourney.LogInAgainHint, StringComparison.Ordinal) =>
            ("Session ended", notice.Message, false, -1),
        { Message: AgentMessages.SessionEndedByRemoval } => ("Session ended", AgentMessages.SessionEndedNotification, false, ConfirmationMilliseconds),
        { Level: NoticeLevel.Error } => ("Ers smartcard", notice.Message, true, -1),
        { Level: NoticeLevel.Warning, State: JourneyState.Active } => ("Ers smartcard", notice.Message, false, -1),
        _ => null,
    };

    private async Task NotifyAsync(DesktopNotifier to, (string Summary, string Body, bool Urgent, int ExpireMilliseconds) n)
    {
        try
        {
            await to.NotifyAsync(n.Summary, n.Body, n.Urgent, n.ExpireMilliseconds);
        }
        catch (Exception ex) when (ex is Tmds.DBus.DBusException or Tmds.DBus.ConnectException or Tmds.DBus.DisconnectedException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // No notification daemon (or no session bus): say so once; the terminal keeps every message.
            if (Interlocked.Exchange(ref _notifierBroken, 1) == 0)
            {
                inner.Show(new AgentNotice("", JourneyState.Waiting, NoticeLevel.Warning, "Desktop notifications are not available: " + ex.Message));
            }
        }
    }

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

    public async Task<char[]> AskUnblockSecretAsync(string reader, UnblockSecret secret, CancellationToken cancellationToken)
    {
        await _dialog.WaitAsync(cancellationToken);
        try
        {
            return await pinentry.AskUnblockSecretAsync(reader, secret, cancellationToken);
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
