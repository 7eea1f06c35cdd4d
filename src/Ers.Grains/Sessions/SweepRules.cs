namespace Ers.Grains.Sessions;

/// <summary>
/// Which silo sweeps, and whose sessions it must wake: the rules of the deadline index's sweeper, apart from Redis and
/// Orleans so they are tested directly. Silos are named by their parsable address, which includes the generation, so
/// a restarted silo on the same port is another silo.
/// </summary>
public static class SweepRules
{
    /// <summary>
    /// One sweeper for the cluster: the active silo with the lowest address. Every silo sees the same membership, so
    /// they agree; while views differ for a moment two may sweep, which is harmless (waking a session is idempotent).
    /// </summary>
    public static bool IsSweeper(string localSilo, IEnumerable<string> activeSilos) =>
        activeSilos.Append(localSilo).Min(StringComparer.Ordinal) == localSilo;

    /// <summary>
    /// The registered silos whose sessions nobody answers for: declared dead, or absent from membership on
    /// <paramref name="absentSweeps"/> sweeps running (a silo that just joined may not be in this silo's view yet; one
    /// whose membership entry was cleaned up long ago is gone). <paramref name="absentCounts"/> carries the count from
    /// one sweep to the next.
    /// </summary>
    public static IReadOnlyList<string> Orphaned(
        IEnumerable<string> registered, IReadOnlySet<string> active, IReadOnlySet<string> dead,
        IDictionary<string, int> absentCounts, int absentSweeps)
    {
        var orphaned = new List<string>();
        var absentNow = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var silo in registered)
        {
            if (dead.Contains(silo))
            {
                orphaned.Add(silo);
            }
            else if (!active.Contains(silo))
            {
                var count = (absentCounts.TryGetValue(silo, out var before) ? before : 0) + 1;
                absentNow[silo] = count;
                if (count >= absentSweeps)
                {
                    orphaned.Add(silo);
                }
            }
        }

        absentCounts.Clear();
        foreach (var (silo, count) in absentNow)
        {
            absentCounts[silo] = count;
        }

        return orphaned;
    }
}
