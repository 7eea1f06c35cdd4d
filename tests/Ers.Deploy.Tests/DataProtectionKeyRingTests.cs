namespace Ers.Deploy.Tests;

/// <summary>
/// Every web pod shares one Data Protection key ring (cookies and antiforgery tokens issued by one pod are accepted
/// by another): in Redis, because the cluster is, and encrypted at rest with a key file mounted from ers-secrets.
/// </summary>
public sealed class DataProtectionKeyRingTests
{
    private const string KeyFileSetting = "Ers__Web__Browser__DataProtectionKeyFile";

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_web_keeps_its_key_ring_in_the_cluster_redis_encrypted_with_a_key_file_from_ers_secrets(string source)
    {
        var manifests = Kustomize.Render(source);
        var pod = manifests.PodTemplate(Renders.Web);
        var container = manifests.Container(Renders.Web, "web");
        var environment = Renders.EnvironmentOf(manifests, Renders.Web, container);

        // Redis mode is what puts the ring in Redis (src/Ers.Web/Browser/DataProtectionKeyRing.cs).
        Assert.Equal("Redis", environment["Ers__Cluster__Provider"]);
        Assert.Contains(container.Env, e => e.Name == "ConnectionStrings__Redis" &&
            e.ValueFrom?.SecretKeyRef is { Name: DeclaredEnvironment.SecretName, Key: DeclaredEnvironment.RedisKey });

        var keyFile = environment[KeyFileSetting];
        var mount = Assert.Single(container.VolumeMounts, m => keyFile.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
        Assert.True(mount.ReadOnlyProperty, $"{mount.Name} must be mounted read-only");
        var volume = Assert.Single(pod.Spec.Volumes, v => v.Name == mount.Name);
        Assert.NotNull(volume.Secret);
        Assert.Equal(DeclaredEnvironment.SecretName, volume.Secret.SecretName);
        var item = Assert.Single(volume.Secret.Items);
        Assert.Equal(DeclaredEnvironment.DataProtectionKey, item.Key);
        Assert.Equal(keyFile, $"{mount.MountPath.TrimEnd('/')}/{item.Path}");
        // Readable by the pod's user and group only (fsGroup owns Secret volumes), never by others.
        Assert.Equal(0, (item.Mode ?? volume.Secret.DefaultMode ?? 420) & 0b111);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Only_the_web_mounts_the_key_ring_key(string source)
    {
        var manifests = Kustomize.Render(source);

        foreach (var pod in manifests.PodTemplates.Where(p => p.Name != Renders.Web))
        {
            Assert.DoesNotContain(pod.Spec.Volumes ?? [], v => v.Secret?.Items?.Any(i => i.Key == DeclaredEnvironment.DataProtectionKey) == true);
            Assert.All(pod.Spec.Containers, c => Assert.False(Renders.EnvironmentOf(manifests, pod.Name, c).ContainsKey(KeyFileSetting),
                $"{pod} is told about a key ring it does not have"));
        }
    }

    [Fact]
    public void The_readme_says_where_the_key_ring_is_and_how_to_create_its_key()
    {
        var readme = File.ReadAllText(Repository.PathOf("k8s/README.md"));

        Assert.Contains($"--from-literal={DeclaredEnvironment.DataProtectionKey}=\"$(openssl rand -base64 32)\"", readme);
        Assert.Contains("/etc/ers/data-protection/key", readme);
        Assert.Contains("AES-256-GCM", readme);
    }
}
