namespace Ers.Cluster;

/// <summary>Where cluster membership and grain state live.</summary>
public enum ClusterProvider
{
    /// <summary>A cluster of one on this machine with in-memory state: the local run and tests.</summary>
    Localhost = 0,

    /// <summary>Membership and grain state in Redis: a real cluster of many silos.</summary>
    Redis = 1,
}
