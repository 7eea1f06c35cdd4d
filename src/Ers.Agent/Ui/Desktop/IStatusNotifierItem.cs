using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>The StatusNotifierItem status icon interface (the tray icon of KDE, GNOME with AppIndicator, XFCE).</summary>
[DBusInterface("org.kde.StatusNotifierItem")]
public interface IStatusNotifierItem : IDBusObject
{
    Task ActivateAsync(int x, int y);

    Task SecondaryActivateAsync(int x, int y);

    Task<IDisposable> WatchNewIconAsync(Action handler, Action<Exception>? onError = null);

    Task<IDisposable> WatchNewToolTipAsync(Action handler, Action<Exception>? onError = null);

    Task<IDisposable> WatchNewStatusAsync(Action<string> handler, Action<Exception>? onError = null);

    Task<object> GetAsync(string prop);

    Task<StatusNotifierItemProperties> GetAllAsync();

    Task SetAsync(string prop, object val);

    Task<IDisposable> WatchPropertiesAsync(Action<PropertyChanges> handler);
}
