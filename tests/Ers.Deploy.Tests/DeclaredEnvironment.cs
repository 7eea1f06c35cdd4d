using System.Diagnostics;
using System.Text;
using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>
/// The environment a container gets from its manifest, resolved as the kubelet does: <c>envFrom</c> sources in
/// order, then <c>env</c> entries in order (a later name wins), <c>$(NAME)</c> references in literal values expanded
/// from what was defined before them. The image's own variables (from its Dockerfile) are not part of it.
/// </summary>
/// <remarks>
/// Use it to start a real host with exactly what its Deployment declares, e.g.
/// <code>
/// var manifests = Kustomize.Render(Kustomize.Base);
/// var environment = DeclaredEnvironment.Resolve(manifests, "ers-silo", "silo", new EnvironmentSources
/// {
///     Secrets = DeclaredEnvironment.ErsSecrets(redis: "127.0.0.1:6390", auditPostgres: "Host=127.0.0.1;Port=5439;..."),
///     Fields = EnvironmentSources.PodFields("ers-silo-0", "127.0.0.2"),
/// });
/// </code>
/// </remarks>
public static class DeclaredEnvironment
{
    /// <summary>The one externally created Secret every Ers workload refers to, and its keys.</summary>
    public const string SecretName = "ers-secrets";
    public const string RedisKey = "redis";
    public const string AuditPostgresKey = "audit-postgres";

    /// <summary>The connection string of the role that owns the audit schema: the migration Job's only (see k8s/README.md).</summary>
    public const string AuditPostgresOwnerKey = "audit-postgres-owner";

    /// <summary>The HMAC key of the audit hash chain (base64 of 32 random bytes, <c>Ers:Audit:ChainKey</c>).</summary>
    public const string AuditChainKey = "audit-chain-key";

    /// <summary>The web's token HMAC key (base64 of 32 random bytes or more, <c>Ers:Tokens:Key</c>).</summary>
    public const string TokenSigningKey = "token-signing-key";

    /// <summary>The AES key (base64 of 32 random bytes) that encrypts the web's Data Protection key ring in Redis, mounted as a file.</summary>
    public const string DataProtectionKey = "data-protection-key";

    public static readonly IReadOnlyList<string> ErsSecretKeys = [RedisKey, AuditPostgresKey, AuditPostgresOwnerKey, AuditChainKey, TokenSigningKey, DataProtectionKey];

    /// <summary>
    /// Local values for the keys of <see cref="SecretName"/>; without <paramref name="tokenSigningKey"/> a fresh random
    /// key is used (generated, never committed); without <paramref name="auditPostgresOwner"/> the owner's connection
    /// is the application's (enough for tests that only read the declared environment).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ErsSecrets(
        string redis, string auditPostgres, string? tokenSigningKey = null, string? auditPostgresOwner = null) =>
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            [SecretName] = new Dictionary<string, string>
            {
                [RedisKey] = redis,
                [AuditPostgresKey] = auditPostgres,
                [AuditPostgresOwnerKey] = auditPostgresOwner ?? auditPostgres,
                [AuditChainKey] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                [TokenSigningKey] = tokenSigningKey ?? Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                [DataProtectionKey] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            },
        };

    /// <summary>The declared environment of one container of a rendered Deployment or Job, using the rendered ConfigMaps.</summary>
    public static IReadOnlyDictionary<string, string> Resolve(
        RenderedManifests manifests, string workloadName, string containerName, EnvironmentSources sources)
    {
        var withRenderedConfigMaps = sources with { ConfigMaps = [.. manifests.ConfigMaps, .. sources.ConfigMaps] };
        return Resolve(manifests.Container(workloadName, containerName), withRenderedConfigMaps);
    }

    /// <summary>The declared environment of <paramref name="container"/>.</summary>
    /// <exception cref="InvalidOperationException">A required ConfigMap, key, Secret value or field has no value: the pod would not start either.</exception>
    /// <exception cref="NotSupportedException">A <c>resourceFieldRef</c> or file key reference, which this helper does not resolve.</exception>
    public static IReadOnlyDictionary<string, string> Resolve(V1Container container, EnvironmentSources sources)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var source in container.EnvFrom ?? [])
        {
            var prefix = source.Prefix ?? "";
            IEnumerable<KeyValuePair<string, string>> pairs;
            if (source.ConfigMapRef is { } configMapRef)
            {
                var configMap = FindConfigMap(sources, configMapRef.Name);
                if (configMap is null)
                {
                    pairs = configMapRef.Optional == true
                        ? []
                        : throw Missing(container, $"ConfigMap '{configMapRef.Name}' (envFrom)", "is not among the given ConfigMaps");
                }
                else
                {
                    pairs = configMap.Data ?? new Dictionary<string, string>();
                }
            }
            else if (source.SecretRef is { } secretRef)
            {
                if (sources.Secrets.TryGetValue(secretRef.Name, out var secret))
                {
                    pairs = secret;
                }
                else
                {
                    pairs = secretRef.Optional == true
                        ? []
                        : throw Missing(container, $"Secret '{secretRef.Name}' (envFrom)", "has no local values: give them in EnvironmentSources.Secrets");
                }
            }
            else
            {
                throw new NotSupportedException($"Container '{container.Name}' has an envFrom entry of a kind this helper does not know.");
            }

            foreach (var (key, value) in pairs)
            {
                // The kubelet skips keys that are not valid variable names rather than failing the pod.
                var name = prefix + key;
                if (IsValidName(name))
                {
                    environment[name] = value;
                }
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            if (variable.ValueFrom is null)
            {
                environment[variable.Name] = Expand(variable.Value ?? "", environment);
                continue;
            }

            var value = ValueFrom(container, variable, sources);
            if (value is not null)
            {
                environment[variable.Name] = value;
            }
        }

        return environment;
    }

    /// <summary>
    /// Start information for a host process whose environment is <paramref name="declared"/> (with
    /// <paramref name="overrides"/> applied; a null override removes the variable) and, from this process, only what
    /// running <c>dotnet</c> needs: nothing else of the machine's environment leaks into the host.
    /// </summary>
    /// <remarks>
    /// Typical overrides on one machine: <c>Urls</c> and the silo and gateway ports, so that several hosts fit on
    /// 127.0.0.1.
    /// </remarks>
    public static ProcessStartInfo StartInfo(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> declared,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var name in InheritedForDotnet)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                startInfo.Environment[name] = value;
            }
        }

        foreach (var (name, value) in declared)
        {
            startInfo.Environment[name] = value;
        }

        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }

    /// <summary>What a <c>dotnet</c> process needs from the machine, none of which a Deployment declares.</summary>
    public static readonly IReadOnlyList<string> InheritedForDotnet = ["PATH", "HOME", "DOTNET_ROOT", "TMPDIR"];

    /// <summary>
    /// Kubernetes' dependent-variable expansion: <c>$(NAME)</c> becomes NAME's value if NAME is defined so far and
    /// stays as written otherwise; <c>$$</c> is a literal <c>$</c>.
    /// </summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> definedSoFar)
    {
        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 >= value.Length)
            {
                result.Append(value[i]);
                continue;
            }

            var next = value[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i++;
            }
            else if (next == '(' && value.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = value.Substring(i + 2, close - i - 2);
                result.Append(definedSoFar.TryGetValue(name, out var defined) ? defined : $"$({name})");
                i = close;
            }
            else
            {
                result.Append('$');
            }
        }

        return result.ToString();
    }

    private static string? ValueFrom(V1Container container, V1EnvVar variable, EnvironmentSources sources)
    {
        var from = variable.ValueFrom;
        if (from.ConfigMapKeyRef is { } configMapKey)
        {
            var configMap = FindConfigMap(sources, configMapKey.Name);
            if (configMap?.Data is { } data && data.TryGetValue(configMapKey.Key, out var value))
            {
                return value;
            }

            return configMapKey.Optional == true
                ? null
                : throw Missing(container, $"{variable.Name} from ConfigMap '{configMapKey.Name}' key '{configMapKey.Key}'", "has no value");
        }

        if (from.SecretKeyRef is { } secretKey)
        {
            if (sources.Secrets.TryGetValue(secretKey.Name, out var secret) && secret.TryGetValue(secretKey.Key, out var value))
            {
                return value;
            }

            return secretKey.Optional == true
                ? null
                : throw Missing(container, $"{variable.Name} from Secret '{secretKey.Name}' key '{secretKey.Key}'",
                    "has no local value: give one in EnvironmentSources.Secrets");
        }

        if (from.FieldRef is { } field)
        {
            return sources.Fields.TryGetValue(field.FieldPath, out var value)
                ? value
                : throw Missing(container, $"{variable.Name} from the downward-API field '{field.FieldPath}'",
                    "has no stand-in: give one in EnvironmentSources.Fields");
        }

        throw new NotSupportedException(
            $"Container '{container.Name}' variable {variable.Name} uses a value source this helper does not resolve "
            + "(resourceFieldRef or fileKeyRef).");
    }

    private static V1ConfigMap? FindConfigMap(EnvironmentSources sources, string name) =>
        sources.ConfigMaps.FirstOrDefault(c => c.Metadata?.Name == name);

    private static bool IsValidName(string name) =>
        name.Length > 0 && !name.Contains('=') && name.All(c => c is >= ' ' and <= '~');

    private static InvalidOperationException Missing(V1Container container, string what, string problem) =>
        new($"Container '{container.Name}': {what} {problem}.");
}
