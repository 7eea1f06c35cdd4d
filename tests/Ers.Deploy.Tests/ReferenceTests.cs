using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>What the rendered objects refer to exists, and nothing secret is in them.</summary>
public sealed class ReferenceTests
{
    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void No_secret_values_are_rendered(string source)
    {
        var manifests = Kustomize.Render(source);

        Assert.All(manifests.Objects.OfType<V1Secret>(), s =>
            Assert.True(s.Data is null or { Count: 0 } && s.StringData is null or { Count: 0 }, $"Secret {s.Metadata.Name} carries values"));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_secret_reference_is_to_the_ers_secrets_keys(string source)
    {
        var references = Kustomize.Render(source).PodTemplates
            .SelectMany(p => p.Spec.Containers)
            .SelectMany(c => (c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>())
            .ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r =>
        {
            Assert.Equal(DeclaredEnvironment.SecretName, r.Name);
            Assert.Contains(r.Key, DeclaredEnvironment.ErsSecretKeys);
        });
        Assert.All(Kustomize.Render(source).PodTemplates.SelectMany(p => p.Spec.Containers), c =>
            Assert.DoesNotContain(c.EnvFrom ?? [], f => f.SecretRef is not null));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void No_role_or_binding_is_rendered_because_nothing_calls_the_kubernetes_api(string source)
    {
        var rbac = Kustomize.Render(source).Objects
            .Where(o => o.ApiVersion.StartsWith("rbac.authorization.k8s.io/", StringComparison.Ordinal))
            .Select(o => $"{o.Kind}/{o.Metadata.Name}");

        Assert.Empty(rbac);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_service_selects_pods_that_have_its_target_ports(string source)
    {
        var manifests = Kustomize.Render(source);
        foreach (var service in manifests.Services)
        {
            var pods = manifests.PodTemplates.Where(p => LabelSelectors.Matches(service.Spec.Selector, p.Labels)).ToList();
            var name = service.Metadata.Name;
            Assert.True(service.Spec.Selector is { Count: > 0 }, $"Service {name} has no selector");
            var pod = Assert.Single(pods);
            Assert.Equal("Deployment", pod.Kind);
            foreach (var port in service.Spec.Ports)
            {
                var target = port.TargetPort?.Value ?? port.Port.ToString();
                Assert.True(pod.Spec.Containers.SelectMany(c => c.Ports).Any(p => p.Name == target),
                    $"Service {name} port {port.Name} targets '{target}', which is not a named port of {pod}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_container_environment_resolves_from_the_rendered_config_maps_secrets_and_pod_fields(string source)
    {
        var manifests = Kustomize.Render(source);
        foreach (var pod in manifests.PodTemplates)
        {
            foreach (var container in pod.Spec.Containers)
            {
                // Throws (and names the reference) if a ConfigMap, key or field has no value.
                var environment = Renders.EnvironmentOf(manifests, pod.Name, container);
                Assert.NotEmpty(environment);
                Assert.DoesNotContain(environment.Values, v => v.Contains("$(", StringComparison.Ordinal));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_volume_refers_to_a_rendered_config_map_or_a_documented_external_one(string source)
    {
        var manifests = Kustomize.Render(source);
        var rendered = manifests.ConfigMaps.Select(c => c.Metadata.Name).ToHashSet();
        foreach (var volume in manifests.PodTemplates.SelectMany(p => p.Spec.Volumes ?? []))
        {
            Assert.True(volume.EmptyDir is not null || volume.ConfigMap is not null || volume.Secret is not null,
                $"volume {volume.Name} is neither emptyDir, ConfigMap nor Secret");
            if (volume.Secret is { } secret)
            {
                Assert.True(Renders.ExternalSecrets.Contains(secret.SecretName),
                    $"volume {volume.Name} mounts Secret {secret.SecretName}, which is not a documented external one");
            }

            if (volume.ConfigMap is { } configMap)
            {
                Assert.True(rendered.Contains(configMap.Name) || Renders.ExternalConfigMaps.Contains(configMap.Name),
                    $"volume {volume.Name} mounts ConfigMap {configMap.Name}, which is neither rendered nor documented");
            }
        }
    }

    [Fact]
    public void The_readme_tells_how_to_create_every_external_object()
    {
        var readme = File.ReadAllText(Repository.PathOf("k8s/README.md"));

        foreach (var name in Renders.ExternalSecrets.Concat(Renders.ExternalConfigMaps))
        {
            Assert.Contains(name, readme);
        }

        Assert.Matches($@"kubectl (-n \S+ )?create secret generic {DeclaredEnvironment.SecretName}", readme);
        Assert.Contains($"--from-literal={DeclaredEnvironment.RedisKey}=", readme);
        Assert.Contains($"--from-literal={DeclaredEnvironment.AuditPostgresKey}=", readme);
        Assert.Contains($"--from-literal={DeclaredEnvironment.AuditPostgresOwnerKey}=", readme);
        Assert.Contains($"--from-literal={DeclaredEnvironment.AuditChainKey}=", readme);
        Assert.Contains($"--from-literal={DeclaredEnvironment.TokenSigningKey}=", readme);
        Assert.Contains("kubectl apply -k k8s/overlays/example", readme);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_object_is_in_the_one_namespace_the_rendered_namespace_enforces_the_restricted_pod_standard_for(string source)
    {
        var manifests = Kustomize.Render(source);
        var ns = Assert.Single(manifests.Objects.OfType<V1Namespace>());

        Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        Assert.All(manifests.Objects.Where(o => o is not V1Namespace), o =>
            Assert.True(o.Metadata.NamespaceProperty == ns.Metadata.Name, $"{o.Kind}/{o.Metadata.Name} is in '{o.Metadata.NamespaceProperty}'"));
    }
}
