using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>
/// The status icon's menu (<c>com.canonical.dbusmenu</c> at <c>/MenuBar</c>, named by the icon's <c>Menu</c>
/// property): Show status, Log in again, Log out, Quit. Items are enabled as the journey allows (no "Log out"
/// without a session); <see cref="Refresh"/> tells the host to lay the menu out again.
/// </summary>
public sealed class StatusMenu : IDbusMenu
{
    public const int ShowStatusId = 1;
    public const int LogInAgainId = 2;
    public const int LogOutId = 3;
    public const int SeparatorId = 4;
    public const int QuitId = 5;
    private readonly Lock _lock = new();
    private StatusMenuActions? _actions;
    private uint _revision = 1;
    private event Action<(uint Revision, int Parent)>? LayoutUpdated;

    public ObjectPath ObjectPath { get; } = new("/MenuBar");

    /// <summary>Connects the items to what they do (the agent is built after its icon).</summary>
    public void Attach(StatusMenuActions actions)
    {
        _actions = actions;
        Refresh();
    }

    /// <summary>The journey moved: the host re-reads the layout (which items are enabled).</summary>
    public void Refresh()
    {
        uint revision;
        lock (_lock)
        {
            revision = ++_revision;
        }
        LayoutUpdated?.Invoke((revision, 0));
    }

    private List<(int Id, Dictionary<string, object> Properties)> Items()
    {
        var actions = _actions;
        return
        [
            (ShowStatusId, Item("Show status", actions is not null)),
            (LogInAgainId, Item("Log in again", actions?.CanLogInAgain() == true)),
            (LogOutId, Item("Log out", actions?.CanLogOut() == true)),
            (SeparatorId, new Dictionary<string, object> { ["type"] = "separator" }),
            (QuitId, Item("Quit", actions is not null)),
        ];
    }

    private static Dictionary<string, object> Item(string label, bool enabled) => new() { ["label"] = label, ["enabled"] = enabled };

    private static IDictionary<string, object> Only(Dictionary<string, object> properties, string[] names) =>
        names.Any(n => n.Length > 0) ? properties.Where(p => names.Contains(p.Key)).ToDictionary() : properties;

    public Task<(uint Revision, (int Id, IDictionary<string, object> Properties, object[] Children) Layout)> GetLayoutAsync(int parentId, int recursionDepth, string[] propertyNames)
    {
        uint revision;
        lock (_lock)
        {
            revision = _revision;
        }
        var items = Items();
        if (parentId != 0)
        {
            var item = items.FirstOrDefault(i => i.Id == parentId);
            if (item.Properties is null)
            {
                throw new DBusException("org.freedesktop.DBus.Error.InvalidArgs", $"No menu item {parentId}.");
            }
            return Task.FromResult((revision, (item.Id, Only(item.Properties, propertyNames), Array.Empty<object>())));
        }
        var children = recursionDepth == 0 ? [] : items.Select(i => (object)(i.Id, Only(i.Properties, propertyNames), Array.Empty<object>())).ToArray();
        IDictionary<string, object> root = new Dictionary<string, object> { ["children-display"] = "submenu" };
        return Task.FromResult((revision, (0, root, children)));
    }

    public Task<(int Id, IDictionary<string, object> Properties)[]> GetGroupPropertiesAsync(int[] ids, string[] propertyNames) =>
        Task.FromResult(Items().Where(i => ids.Length == 0 || ids.Contains(i.Id)).Select(i => (i.Id, Only(i.Properties, propertyNames))).ToArray());

    public Task<object> GetPropertyAsync(int id, string name) =>
        Items().FirstOrDefault(i => i.Id == id).Properties?.TryGetValue(name, out var value) == true
            ? Task.FromResult(value!)
            : throw new DBusException("org.freedesktop.DBus.Error.InvalidArgs", $"No property {name} on menu item {id}.");

    /// <summary>The latest action started by a click (tests wait on it).</summary>
    public Task LastAction { get; private set; } = Task.CompletedTask;

    public Task EventAsync(int id, string eventId, object data, uint timestamp)
    {
        // Only a click on an enabled item does something; hovered/opened/closed are the host's bookkeeping.
        if (eventId == "clicked" && _actions is { } actions && Items().Any(i => i.Id == id && i.Properties.TryGetValue("enabled", out var on) && on is true))
        {
            // The host's call returns at once: the action (a logout at Ers, a new login) runs on.
            LastAction = id switch
            {
                ShowStatusId => Run(actions.ShowStatus),
                LogInAgainId => Run(actions.LogInAgain),
                LogOutId => Run(actions.LogOut),
                QuitId => Run(actions.Quit),
                _ => Task.CompletedTask,
            };
        }
        return Task.CompletedTask;
    }

    private Task Run(Func<Task> action) => Task.Run(async () =>
    {
        try
        {
            await action();
        }
        finally
        {
            Refresh();
        }
    });

    public async Task<int[]> EventGroupAsync((int Id, string EventId, object Data, uint Timestamp)[] events)
    {
        var known = Items().Select(i => i.Id).ToHashSet();
        foreach (var e in events.Where(e => known.Contains(e.Id)))
        {
            await EventAsync(e.Id, e.EventId, e.Data, e.Timestamp);
        }
        return [.. events.Select(e => e.Id).Where(id => !known.Contains(id))];
    }

    public Task<bool> AboutToShowAsync(int id) => Task.FromResult(false);

    public Task<(int[] UpdatesNeeded, int[] IdErrors)> AboutToShowGroupAsync(int[] ids) => Task.FromResult<(int[], int[])>(([], []));

    public Task<IDisposable> WatchLayoutUpdatedAsync(Action<(uint Revision, int Parent)> handler, Action<Exception>? onError = null)
    {
        LayoutUpdated += handler;
        return Task.FromResult<IDisposable>(new Unsubscribe(() => LayoutUpdated -= handler));
    }

    public Task<IDisposable> WatchItemActivationRequestedAsync(Action<(int Id, uint Timestamp)> handler, Action<Exception>? onError = null) =>
        Task.FromResult<IDisposable>(new Unsubscribe(() => { }));

    public Task<object> GetAsync(string prop) => Task.FromResult<object>(prop switch
    {
        nameof(DbusMenuProperties.Version) => 3u,
        nameof(DbusMenuProperties.TextDirection) => "ltr",
        nameof(DbusMenuProperties.Status) => "normal",
        nameof(DbusMenuProperties.IconThemePath) => Array.Empty<string>(),
        _ => throw new DBusException("org.freedesktop.DBus.Error.UnknownProperty", $"No property {prop}."),
    });

    public Task<DbusMenuProperties> GetAllAsync() => Task.FromResult(new DbusMenuProperties());

    public Task SetAsync(string prop, object val) =>
        throw new DBusException("org.freedesktop.DBus.Error.PropertyReadOnly", "The menu's properties are read-only.");

    public Task<IDisposable> WatchPropertiesAsync(Action<PropertyChanges> handler) => Task.FromResult<IDisposable>(new Unsubscribe(() => { }));

    private sealed class Unsubscribe(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
