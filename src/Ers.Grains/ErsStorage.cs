namespace Ers.Grains;

/// <summary>Names of the grain storage providers Ers registers.</summary>
public static class ErsStorage
{
    /// <summary>The store for users, cards, sessions and workstations: memory when embedded, Redis in a cluster.</summary>
    public const string State = "ers-state";
}
