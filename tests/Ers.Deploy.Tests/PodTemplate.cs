using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>A workload's pod template, whichever kind of object carries it.</summary>
public sealed record PodTemplate(string Kind, string Name, string Namespace, V1PodTemplateSpec Template)
{
    public IDictionary<string, string> Labels => Template.Metadata?.Labels ?? new Dictionary<string, string>();

    public V1PodSpec Spec => Template.Spec;

    public override string ToString() => $"{Kind}/{Name}";
}
