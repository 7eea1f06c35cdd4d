using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>Kubernetes label-selector matching (matchLabels and matchExpressions), as the API server does it.</summary>
public static class LabelSelectors
{
    /// <summary>True when <paramref name="selector"/> selects an object with <paramref name="labels"/>; an empty selector selects everything.</summary>
    public static bool Matches(V1LabelSelector selector, IDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var present = labels.TryGetValue(requirement.Key, out var actual);
            var values = requirement.Values ?? [];
            var satisfied = requirement.OperatorProperty switch
            {
                "In" => present && values.Contains(actual!),
                "NotIn" => !present || !values.Contains(actual!),
                "Exists" => present,
                "DoesNotExist" => !present,
                _ => throw new InvalidOperationException($"Unknown label selector operator '{requirement.OperatorProperty}'."),
            };
            if (!satisfied)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when every pair of <paramref name="selector"/> is among <paramref name="labels"/> (a Service's selector).</summary>
    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        Matches(new V1LabelSelector { MatchLabels = selector }, labels);
}
