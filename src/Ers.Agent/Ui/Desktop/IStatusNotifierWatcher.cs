using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>The desktop's tray host registry, where a status icon announces itself.</summary>
[DBusInterface("org.kde.StatusNotifierWatcher")]
public interface IStatusNotifierWatcher : IDBusObject
{
    Task RegisterStatusNotifierItemAsync(string service);
}
