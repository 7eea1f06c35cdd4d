using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>The freedesktop.org desktop notifications service (the notification daemon on the session bus).</summary>
[DBusInterface("org.freedesktop.Notifications")]
public interface INotifications : IDBusObject
{
    Task<uint> NotifyAsync(string appName, uint replacesId, string appIcon, string summary, string body, string[] actions, IDictionary<string, object> hints, int expireTimeout);
}
