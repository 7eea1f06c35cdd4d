using Ers.Agent.Journey;
using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>
/// The agent's status icon (StatusNotifierItem at <c>/StatusNotifierItem</c> on the session bus): its icon and
/// tooltip follow the journey (no card, reading, passcode needed, active with name and role, blocked, Ers
/// unreachable). <see cref="Follow"/> maps a notice to the icon; the icon registers with the desktop's
/// StatusNotifierWatcher when there is one. Its menu is <see cref="StatusMenu"/>.
/// </summary>
public sealed class StatusIcon : IStatusNotifierItem
{
    private readonly Lock _lock = new();
    private readonly StatusNotifierItemProperties _properties = new();
    private event Action? NewIcon;
    private event Action? NewToolTip;
    private event Action<string>? NewStatus;

    public StatusIcon() => Set("security-low", "No card", "Insert your smartcard to log in.", "Passive");

    public ObjectPath ObjectPath { get; } = new("/StatusNotifierItem");

    /// <summary>The icon's menu, published beside it (the <c>Menu</c> property names it).</summary>
    public StatusMenu Menu { get; } = new();

    /// <summary>The tooltip's title and text: what "Show status" says.</summary>
    public (string Title, string Text) Status
    {
        get
        {
            lock (_lock)
            {
                return (_properties.ToolTip.Item3, _properties.ToolTip.Item4);
            }
        }
    }

    /// <summary>Publishes the icon on <paramref name="connection"/> and registers it with the watcher, if any.</summary>
    public async Task PublishAsync(Connection connection)
    {
        await connection.RegisterObjectAsync(Menu);
        await connection.RegisterObjectAsync(this);
        var name = $"org.kde.StatusNotifierItem-{Environment.ProcessId}-1";
        await connection.RegisterServiceAsync(name);
        try
        {
            var watcher = connection.CreateProxy<IStatusNotifierWatcher>("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher");
            await watcher.RegisterStatusNotifierItemAsync(name);
        }
        catch (DBusException)
        {
            // No tray on this desktop: the icon is still on the bus, the notifications and terminal still work.
        }
    }

    /// <summary>Moves the icon to the state a notice reports.</summary>
    public void Follow(AgentNotice notice)
    {
        switch (notice)
        {
            case { State: JourneyState.Active, Level: NoticeLevel.Info } when notice.Message.StartsWith(AgentMessages.ActivePrefix, StringComparison.Ordinal):
                Set("security-high", "Active", notice.Message[AgentMessages.ActivePrefix.Length..], "Active");
                break;
            case { State: JourneyState.Reading or JourneyState.Verifying or JourneyState.Authenticating }:
                Set("view-refresh", "Reading the card", notice.Message, "Active");
                break;
            case { State: JourneyState.AwaitingPin }:
                Set("dialog-password", "Passcode needed", notice.Message, "NeedsAttention");
                break;
            case { State: JourneyState.Blocked }:
                Set("dialog-error", "Card blocked", notice.Message, "NeedsAttention");
                break;
            case { State: JourneyState.Ended } when notice.Message.EndsWith(AgentJourney.LogInAgainHint, StringComparison.Ordinal):
                // Ended by the server or a logout with the card still in: the next login is one menu click away.
                Set("security-low", "Session ended", notice.Message, "NeedsAttention");
                break;
            case { Level: NoticeLevel.Error } when notice.Message == AgentMessages.Unreachable:
                Set("network-offline", "Ers unreachable", notice.Message, "NeedsAttention");
                break;
            case { Level: NoticeLevel.Error }:
                Set("dialog-error", "Not logged in", notice.Message, "NeedsAttention");
                break;
            case { State: JourneyState.Waiting } when notice.Reader.Length > 0:
                Set("security-low", "No card", "Insert your smartcard to log in.", "Passive");
                break;
        }
    }

    private void Set(string icon, string title, string text, string status)
    {
        bool statusChanged;
        lock (_lock)
        {
            statusChanged = _properties.Status != status;
            _properties.IconName = icon;
            _properties.Status = status;
            _properties.ToolTip = (icon, [], title, text);
        }
        NewIcon?.Invoke();
        NewToolTip?.Invoke();
        Menu.Refresh();
        if (statusChanged)
        {
            NewStatus?.Invoke(status);
        }
    }

    public Task ActivateAsync(int x, int y) => Task.CompletedTask;

    public Task SecondaryActivateAsync(int x, int y) => Task.CompletedTask;

    public Task<IDisposable> WatchNewIconAsync(Action handler, Action<Exception>? onError = null) => Watch(() => NewIcon += handler, () => NewIcon -= handler);

    public Task<IDisposable> WatchNewToolTipAsync(Action handler, Action<Exception>? onError = null) => Watch(() => NewToolTip += handler, () => NewToolTip -= handler);

    public Task<IDisposable> WatchNewStatusAsync(Action<string> handler, Action<Exception>? onError = null) => Watch(() => NewStatus += handler, () => NewStatus -= handler);

    public Task<IDisposable> WatchPropertiesAsync(Action<PropertyChanges> handler) => Task.FromResult<IDisposable>(new Unsubscribe(() => { }));

    public Task<object> GetAsync(string prop)
    {
        lock (_lock)
        {
            object value = prop switch
            {
                nameof(StatusNotifierItemProperties.Category) => _properties.Category,
                nameof(StatusNotifierItemProperties.Id) => _properties.Id,
                nameof(StatusNotifierItemProperties.Title) => _properties.Title,
                nameof(StatusNotifierItemProperties.Status) => _properties.Status,
                nameof(StatusNotifierItemProperties.IconName) => _properties.IconName,
                nameof(StatusNotifierItemProperties.ToolTip) => _properties.ToolTip,
                nameof(StatusNotifierItemProperties.ItemIsMenu) => _properties.ItemIsMenu,
                nameof(StatusNotifierItemProperties.Menu) => _properties.Menu,
                _ => throw new DBusException("org.freedesktop.DBus.Error.UnknownProperty", $"No property {prop}."),
            };
            return Task.FromResult(value);
        }
    }

    public Task<StatusNotifierItemProperties> GetAllAsync()
    {
        lock (_lock)
        {
            return Task.FromResult(new StatusNotifierItemProperties
            {
                Category = _properties.Category,
                Id = _properties.Id,
                Title = _properties.Title,
                Status = _properties.Status,
                IconName = _properties.IconName,
                ToolTip = _properties.ToolTip,
                ItemIsMenu = _properties.ItemIsMenu,
                Menu = _properties.Menu,
            });
        }
    }

    public Task SetAsync(string prop, object val) =>
        throw new DBusException("org.freedesktop.DBus.Error.PropertyReadOnly", "The status icon's properties are read-only.");

    private static Task<IDisposable> Watch(Action add, Action remove)
    {
        add();
        return Task.FromResult<IDisposable>(new Unsubscribe(remove));
    }

    private sealed class Unsubscribe(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
