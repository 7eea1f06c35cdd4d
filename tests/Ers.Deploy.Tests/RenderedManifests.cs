using k8s;
using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>The objects one kustomization renders to, loaded into the KubernetesClient's typed models.</summary>
public sealed class RenderedManifests
{
    private RenderedManifests(string source, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects)
    {
        Source = source;
        Objects = objects;
    }

    /// <summary>The kustomization folder the objects came from.</summary>
    public string Source { get; }

    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects { get; }

    public IEnumerable<V1Deployment> Deployments => Objects.OfType<V1Deployment>();

    public IEnumerable<V1Job> Jobs => Objects.OfType<V1Job>();

    public IEnumerable<V1ConfigMap> ConfigMaps => Objects.OfType<V1ConfigMap>();

    public IEnumerable<V1Service> Services => Objects.OfType<V1Service>();

    public IEnumerable<V1NetworkPolicy> NetworkPolicies => Objects.OfType<V1NetworkPolicy>();

    /// <summary>Every pod template: Deployments' and Jobs'.</summary>
    public IEnumerable<PodTemplate> PodTemplates =>
        Deployments.Select(d => new PodTemplate(d.Kind, d.Metadata.Name, d.Metadata.NamespaceProperty, d.Spec.Template))
            .Concat(Jobs.Select(j => new PodTemplate(j.Kind, j.Metadata.Name, j.Metadata.NamespaceProperty, j.Spec.Template)));

    /// <summary>
    /// Parses <c>kubectl kustomize</c> output strictly: a field the typed models do not know (a typo, a field of a
    /// newer API) fails the load instead of disappearing.
    /// </summary>
    public static RenderedManifests Parse(string source, string yaml)
    {
        var loaded = KubernetesYaml.LoadAllFromString(yaml, strict: true);
        var objects = loaded.Select(o => o as IKubernetesObject<V1ObjectMeta>
            ?? throw new InvalidOperationException($"{source} rendered a {o.GetType().Name}, which has no object metadata."))
            .ToList();
        return new RenderedManifests(source, objects);
    }

    public T Single<T>(string name)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var matches = Objects.OfType<T>().Where(o => o.Metadata.Name == name).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException(
                $"{Source} rendered {matches.Count} {typeof(T).Name} objects named '{name}', expected exactly one.");
    }

    public PodTemplate PodTemplate(string workloadName) =>
        PodTemplates.SingleOrDefault(p => p.Name == workloadName)
        ?? throw new InvalidOperationException($"{Source} rendered no Deployment or Job named '{workloadName}'.");

    public V1Container Container(string workloadName, string containerName) =>
        PodTemplate(workloadName).Spec.Containers.SingleOrDefault(c => c.Name == containerName)
        ?? throw new InvalidOperationException($"{workloadName} has no container named '{containerName}'.");

    public override string ToString() => Source;
}
