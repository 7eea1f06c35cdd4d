using Tmds.DBus;

namespace Ers.Agent.Ui.Desktop;

/// <summary>
/// Pops up desktop notifications (<c>org.freedesktop.Notifications</c> on the session D-Bus): the name-and-role
/// confirmation, refusals and "Session ended: ...". Each is a plain sentence; none ever holds the passcode. A
/// desktop without a notification daemon only loses the pop-ups: the terminal still shows every message.
/// </summary>
public sealed class DesktopNotifier : IAsyncDisposable
{
    public const string AppName = "Ers smartcard";
    private const string Service = "org.freedesktop.Notifications";
    private const string ObjectPath = "/org/freedesktop/Notifications";
    private readonly Connection _connection;
    private readonly SemaphoreSlim _connect = new(1, 1);
    private INotifications? _notifications;

    /// <param name="address">A D-Bus address; null for the session bus (<c>DBUS_SESSION_BUS_ADDRESS</c>).</param>
    public DesktopNotifier(string? address = null)
    {
        _connection = new Connection(address ?? Address.Session ?? throw new InvalidOperationException("There is no session D-Bus (DBUS_SESSION_BUS_ADDRESS is not set)."));
    }

    /// <summary>Shows one notification; <paramref name="expireMilliseconds"/> -1 lets the daemon decide.</summary>
    public async Task<uint> NotifyAsync(string summary, string body, bool urgent, int expireMilliseconds)
    {
        var notifications = await ConnectAsync();
        var hints = new Dictionary<string, object> { ["urgency"] = (byte)(urgent ? 2 : 1) };
        return await notifications.NotifyAsync(AppName, 0, urgent ? "dialog-error" : "dialog-information", summary, body, [], hints, expireMilliseconds);
    }

    private async Task<INotifications> ConnectAsync()
    {
        await _connect.WaitAsync();
        try
        {
            if (_notifications is null)
            {
                await _connection.ConnectAsync();
                _notifications = _connection.CreateProxy<INotifications>(Service, ObjectPath);
            }
            return _notifications;
        }
        finally
        {
            _connect.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        _connect.Dispose();
        return ValueTask.CompletedTask;
    }
}
