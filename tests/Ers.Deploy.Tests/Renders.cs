using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>The kustomizations every manifest invariant is checked on, and shared look-ups over them.</summary>
public static class Renders
{
    public const string Silo = "ers-silo";
    public const string Web = "ers-web";
    public const string AuditMigrate = "ers-audit-migrate";

    public static TheoryData<string> All => new() { Kustomize.Base, Kustomize.ExampleOverlay };

    /// <summary>Objects the manifests refer to but must not contain, because they hold secrets or site data.</summary>
    public static readonly IReadOnlySet<string> ExternalSecrets = new HashSet<string> { "ers-secrets", "workstation-ca", "ers-web-tls", "ers-cluster-tls", "ers-web-ingress-tls", "ers-ingress-upstream-tls" };

    public static readonly IReadOnlySet<string> ExternalConfigMaps = new HashSet<string> { "ers-card-pki" };

    /// <summary>A container's declared environment with stand-ins for secrets and pod fields.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(RenderedManifests manifests, string workload, V1Container container) =>
        DeclaredEnvironment.Resolve(container, new EnvironmentSources
        {
            ConfigMaps = [.. manifests.ConfigMaps],
            Secrets = DeclaredEnvironment.ErsSecrets(redis: "redis-stand-in", auditPostgres: "postgres-stand-in"),
            Fields = EnvironmentSources.PodFields($"{workload}-0", "127.0.0.2", manifests.PodTemplate(workload).Namespace),
        });

    public static IReadOnlyDictionary<string, string> EnvironmentOf(RenderedManifests manifests, string workload) =>
        EnvironmentOf(manifests, workload, manifests.PodTemplate(workload).Spec.Containers.Single());

    public static V1ContainerPort NamedPort(V1Container container, string name) =>
        container.Ports?.SingleOrDefault(p => p.Name == name)
        ?? throw new InvalidOperationException($"Container '{container.Name}' has no port named '{name}'.");
}
