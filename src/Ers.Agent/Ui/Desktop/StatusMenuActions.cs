using Ers.Agent.Journey;

namespace Ers.Agent.Ui.Desktop;

/// <summary>What the status icon's menu items do, and when they can be chosen.</summary>
public sealed record StatusMenuActions(
    Func<Task> ShowStatus,
    Func<bool> CanLogInAgain,
    Func<Task> LogInAgain,
    Func<bool> CanLogOut,
    Func<Task> LogOut,
    Func<Task> Quit)
{
    /// <summary>
    /// The agent's own actions: "Show status" pops up the icon's tooltip as a notification, "Log in again" restarts
    /// the login of a card left in, "Log out" ends the sessions at Ers as a card pull would (recorded as a logout),
    /// and "Quit" logs out first, then stops the agent: no session outlives the agent that keeps it.
    /// </summary>
    public static StatusMenuActions For(AgentJourney agent, StatusIcon icon, DesktopNotifier? notifier, CancellationTokenSource stop) => new(
        ShowStatus: async () =>
        {
            var (title, text) = icon.Status;
            if (notifier is not null)
            {
                await notifier.NotifyAsync(title, text, urgent: false, DesktopAgentUi.ConfirmationMilliseconds);
            }
        },
        CanLogInAgain: () => agent.CanLogInAgain,
        LogInAgain: async () => await agent.LogInAgainAsync(),
        CanLogOut: () => agent.HasSession,
        LogOut: () => agent.LogOutAsync(stop.Token),
        Quit: async () =>
        {
            await agent.LogOutAsync(stop.Token);
            await stop.CancelAsync();
        });
}
