using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>
/// Where the values a container's environment refers to come from, besides its literal values: the rendered
/// ConfigMaps, local stand-ins for the Secret values (never committed) and for the downward-API fields a pod would
/// get from Kubernetes.
/// </summary>
public sealed record EnvironmentSources
{
    public IReadOnlyList<V1ConfigMap> ConfigMaps { get; init; } = [];

    /// <summary>Secret name, then key, then the local value to use for it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Secrets { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Downward-API field path (<c>status.podIP</c>, <c>metadata.name</c>, ...) to its stand-in value.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    /// <summary>Stand-ins for the pod fields Kubernetes fills in, for a pod running on this machine.</summary>
    public static IReadOnlyDictionary<string, string> PodFields(string podName, string podIp, string podNamespace = "ers") =>
        new Dictionary<string, string>
        {
            ["metadata.name"] = podName,
            ["metadata.namespace"] = podNamespace,
            ["status.podIP"] = podIp,
            ["status.hostIP"] = podIp,
            ["spec.nodeName"] = "localhost",
        };
}
