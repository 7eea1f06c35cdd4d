using System.Net;
using Ers.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace Ers.Cluster;

/// <summary>The <c>Ers:Cluster</c> settings, read once and checked at start-up.</summary>
public sealed record ErsClusterOptions(
    ClusterProvider Provider,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    IPAddress? AdvertisedAddress,
    string? SiloName,
    string? RedisConnectionString,
    TimeSpan ShutdownTimeout,
    TimeSpan ClientRetryWindow,
    TimeSpan ResponseTimeout,
    TimeSpan ClientResponseTimeout,
    ClusterTls? Tls = null,
    int? DirectoryCacheSize = null)
{
    public const string Section = "Ers:Cluster";

    public static ErsClusterOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var provider = configuration.GetEnum($"{Section}:Provider", ClusterProvider.Localhost);
        var redis = provider == ClusterProvider.Redis ? configuration.GetRequired("ConnectionStrings:Redis") : null;
        IPAddress? advertised = null;
        if (section["AdvertisedAddress"] is { Length: > 0 } address && !IPAddress.TryParse(address, out advertised))
        {
            throw new ErsConfigurationException($"The setting '{Section}:AdvertisedAddress' is '{address}'; it must be an IP address.");
        }

        return new ErsClusterOptions(
            provider,
            section["ClusterId"] is { Length: > 0 } clusterId ? clusterId : "ers-local",
            section["ServiceId"] is { Length: > 0 } serviceId ? serviceId : "ers",
            Port(section, "SiloPort", 11111),
            Port(section, "GatewayPort", 30000),
            advertised,
            section["SiloName"] is { Length: > 0 } name ? name : null,
            redis,
            Duration(section, "ShutdownTimeout", TimeSpan.FromSeconds(30)),
            // The most one call from a client (a web node) may take, retries included: a page or API request during a
            // silo failover answers within about this, successfully or with 503 service.store-unavailable
            // (src/Ers.Cluster/ClientRetryFilter.cs). Zero turns retries off.
            Duration(section, "ClientRetryWindow", TimeSpan.FromMilliseconds(2500), allowZero: true),
            // Silo-to-silo calls: a call lost with a killed silo is given up after this, not Orleans' default 30 s.
            Duration(section, "ResponseTimeout", TimeSpan.FromSeconds(10)),
            // One attempt of a client's call (idempotent reads declare a shorter one, IdempotentAttribute): a person is
            // waiting, and a call lost with a killed silo must not hold the page for longer than the retry window.
            Duration(section, "ClientResponseTimeout", TimeSpan.FromSeconds(2)),
            // Mutual TLS on every Orleans connection when configured (the manifests do): src/Ers.Cluster/ClusterTls.cs.
            ClusterTls.From(configuration),
            // How many grain addresses a silo's directory cache keeps (Orleans' default: 1,000,000). Each costs about
            // 0.2 KB of heap; a smaller cache means more directory look-ups for calls to grains on other silos.
            section["DirectoryCacheSize"] is not { Length: > 0 } cacheSize ? null
            : int.TryParse(cacheSize, System.Globalization.CultureInfo.InvariantCulture, out var size) && size > 0 ? size
            : throw new ErsConfigurationException($"The setting '{Section}:DirectoryCacheSize' is '{cacheSize}'; it must be a positive whole number."));
    }

    private static int Port(IConfigurationSection section, string key, int fallback) =>
        section[key] is not { Length: > 0 } text ? fallback
        : int.TryParse(text, out var port) && port is > 0 and < 65536 ? port
        : throw new ErsConfigurationException($"The setting '{Section}:{key}' is '{text}'; it must be a TCP port (1-65535).");

    private static TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback, bool allowZero = false) =>
        section[key] is not { Length: > 0 } text ? fallback
        : TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && (value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero)) ? value
        : throw new ErsConfigurationException($"The setting '{Section}:{key}' is '{text}'; it must be a positive duration such as 00:00:30.");
}
