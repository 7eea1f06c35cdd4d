using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>
/// The menu of a status icon, as StatusNotifierItem hosts (KDE Plasma, GNOME's AppIndicator extension, XFCE's
/// panel) read it: <c>com.canonical.dbusmenu</c>, a tree of items with properties (label, enabled, type) that the
/// host lays out with <c>GetLayout</c> and clicks with <c>Event</c>.
/// </summary>
[DBusInterface("com.canonical.dbusmenu")]
public interface IDbusMenu : IDBusObject
{
    Task<(uint Revision, (int Id, IDictionary<string, object> Properties, object[] Children) Layout)> GetLayoutAsync(int parentId, int recursionDepth, string[] propertyNames);

    Task<(int Id, IDictionary<string, object> Properties)[]> GetGroupPropertiesAsync(int[] ids, string[] propertyNames);

    Task<object> GetPropertyAsync(int id, string name);

    Task EventAsync(int id, string eventId, object data, uint timestamp);

    Task<int[]> EventGroupAsync((int Id, string EventId, object Data, uint Timestamp)[] events);

    Task<bool> AboutToShowAsync(int id);

    Task<(int[] UpdatesNeeded, int[] IdErrors)> AboutToShowGroupAsync(int[] ids);

    Task<IDisposable> WatchLayoutUpdatedAsync(Action<(uint Revision, int Parent)> handler, Action<Exception>? onError = null);

    Task<IDisposable> WatchItemActivationRequestedAsync(Action<(int Id, uint Timestamp)> handler, Action<Exception>? onError = null);

    Task<object> GetAsync(string prop);

    Task<DbusMenuProperties> GetAllAsync();

    Task SetAsync(string prop, object val);

    Task<IDisposable> WatchPropertiesAsync(Action<PropertyChanges> handler);
}
