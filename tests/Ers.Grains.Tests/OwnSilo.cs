using Ers.Grains.Audit;
using Orleans.TestingHost;

namespace Ers.Grains.Tests;

/// <summary>
/// A silo of one test class's own, for settings that differ from the shared fixture's (a deployment-wide policy, RA
/// activities, a signing key) or a silo the test stops itself: <see cref="ClusterFixture.Settings"/> with the
/// overrides, the session rules on the given clock (the real one otherwise), a file audit trail the test reads, and a
/// directory of its own for files the settings name. Disposing stops the silo and removes the directory.
/// </summary>
public sealed class OwnSilo : IAsyncDisposable
{
    private OwnSilo(string directory, FileAuditTrail audit, InProcessTestCluster cluster) =>
        (Directory, Audit, Cluster) = (directory, audit, cluster);

    /// <summary>The silo's directory: its audit trail, and any file the test writes for it before the start.</summary>
    public string Directory { get; }

    public FileAuditTrail Audit { get; }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>A fresh directory for <see cref="StartAsync"/>, made now, so a test can write files there first.</summary>
    public static string NewDirectory(string name) =>
        System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"ers-{name}-{Guid.NewGuid():N}")).FullName;

    public static async Task<OwnSilo> StartAsync(string directory, IReadOnlyDictionary<string, string?> overrides, TimeProvider? clock = null)
    {
        var settings = new Dictionary<string, string?>(ClusterFixture.Settings);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var audit = new FileAuditTrail(Path.Combine(directory, "audit.jsonl"));
        try
        {
            return new OwnSilo(directory, audit, await ClusterFixture.StartSiloAsync(settings, audit, clock));
        }
        catch
        {
            audit.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Audit.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
