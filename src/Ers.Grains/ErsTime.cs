namespace Ers.Grains;

/// <summary>
/// The clock the session rules use, registered as a keyed <see cref="TimeProvider"/> so tests can drive it with a
/// fake clock without also freezing the Orleans runtime's own timers (which take the unkeyed one).
/// </summary>
public static class ErsTime
{
    public const string Key = "ers";
}
