using Ers.Cluster;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using StackExchange.Redis;

namespace Ers.Web.Browser;

/// <summary>
/// Where the web nodes keep the Data Protection key ring that encrypts session cookies and antiforgery tokens. In a
/// cluster (<c>Ers:Cluster:Provider=Redis</c>) every web node reads and writes one ring in the cluster's Redis, each
/// element encrypted with the AES key from <c>Ers:Web:Browser:DataProtectionKeyFile</c> (a file mounted from a
/// Secret), so a cookie or form issued by one node is accepted by every other. The embedded local run keeps its ring
/// on disk (<c>Ers:Web:Browser:DataProtectionKeysPath</c>, <c>.ers/data-protection</c> by default).
/// </summary>
public static class DataProtectionKeyRing
{
    /// <summary>The Redis key of the ring, under the cluster's service id (one ring per environment).</summary>
    public static RedisKey RedisKey(string serviceId) => $"ers:{serviceId}:data-protection-keys";

    public static void AddErsDataProtection(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(BrowserOptions.Section).Get<BrowserOptions>() ?? new BrowserOptions();
        var cluster = ErsClusterOptions.From(builder.Configuration);
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("ers");
        const string keyFileSetting = $"{BrowserOptions.Section}:{nameof(BrowserOptions.DataProtectionKeyFile)}";
        if (cluster.Provider == ClusterProvider.Redis)
        {
            if (options.DataProtectionKeyFile is not { Length: > 0 } keyFile)
            {
                throw new Ers.ServiceDefaults.ErsConfigurationException(
                    $"The setting '{keyFileSetting}' is required with Ers:Cluster:Provider=Redis: a file holding 32 random bytes in base64 " +
                    "(`openssl rand -base64 32`), the same on every web node, that encrypts the shared key ring in Redis.");
            }

            var redis = ConfigurationOptions.Parse(cluster.RedisConnectionString!);
            // Connected on first use, not at start-up: a web node starting while Redis is away waits like its cluster client does.
            var connection = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(redis));
            dataProtection.PersistKeysToStackExchangeRedis(() => connection.Value.GetDatabase(), RedisKey(cluster.ServiceId));
            UseKeyFile(builder, keyFileSetting, keyFile, options.DataProtectionPreviousKeyFiles);
            return;
        }

        if (options.DataProtectionKeysPath is { Length: > 0 } path)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(path));
        }

        if (options.DataProtectionKeyFile is { Length: > 0 } localKeyFile)
        {
            UseKeyFile(builder, keyFileSetting, localKeyFile, options.DataProtectionPreviousKeyFiles);
        }
    }

    private static void UseKeyFile(WebApplicationBuilder builder, string setting, string keyFile, IEnumerable<string> previous)
    {
        var keys = KeyRingProtectionKeys.Load(setting, keyFile, previous);
        builder.Services.AddSingleton(keys);
        builder.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new AesGcmXmlEncryptor(keys));
    }
}
