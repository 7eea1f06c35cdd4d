namespace Ers.Browser.Tests;

/// <summary>
/// A host with a short idle timeout, for the idle warning and timeout tests. The warning window is long enough for
/// an accessibility check on a loaded 2-core machine before the test acts in it.
/// </summary>
public sealed class ShortIdleHost : ErsWebHost
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan IdleWarning = TimeSpan.FromSeconds(15);

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Ers:Sessions:IdleTimeout", IdleTimeout.ToString()),
        new("Ers:Sessions:IdleWarning", IdleWarning.ToString()),
        // The maximum-length notice shows from the start (the session itself ends by idling long before).
        new("Ers:Sessions:AbsoluteTimeout", "00:03:00"),
        new("Ers:Sessions:AbsoluteWarning", "00:02:59"),
    ];
}
