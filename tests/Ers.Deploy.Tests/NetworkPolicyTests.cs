using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>
/// Evaluates the rendered NetworkPolicies the way the API defines them (policies add up; a rule without peers or
/// ports allows everyone or every port) and checks who may reach which port of which pod.
/// </summary>
public sealed class NetworkPolicyTests
{
    private const string Monitoring = "monitoring";
    private const string IngressNginx = "ingress-nginx";

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void A_default_deny_policy_covers_every_pod_in_both_directions(string source)
    {
        var manifests = Kustomize.Render(source);

        var denyAll = Assert.Single(manifests.NetworkPolicies, p =>
            p.Spec.PodSelector.MatchLabels is null or { Count: 0 }
            && p.Spec.PodSelector.MatchExpressions is null or { Count: 0 }
            && p.Spec.Ingress is null or { Count: 0 }
            && p.Spec.Egress is null or { Count: 0 });
        Assert.Equal(["Egress", "Ingress"], denyAll.Spec.PolicyTypes.Order());
        Assert.All(manifests.PodTemplates, pod => Assert.Equal(denyAll.Metadata.NamespaceProperty, pod.Namespace));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_silo_port_is_reachable_only_from_silos(string source)
    {
        var manifests = Kustomize.Render(source);

        Assert.Equal([Renders.Silo], WorkloadsAllowedIn(manifests, Renders.Silo, "silo"));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_gateway_port_is_reachable_only_from_silos_and_the_web_front_end(string source)
    {
        var manifests = Kustomize.Render(source);

        Assert.Equal([Renders.Silo, Renders.Web], WorkloadsAllowedIn(manifests, Renders.Silo, "gateway"));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_silo_http_port_is_reachable_only_from_prometheus_in_the_monitoring_namespace(string source)
    {
        var manifests = Kustomize.Render(source);

        Assert.Equal([Monitoring], NamespacesAllowedIn(manifests, Renders.Silo, "http"));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_web_front_end_is_reachable_only_from_the_ingress_controller_and_its_operations_port_only_from_prometheus(string source)
    {
        var manifests = Kustomize.Render(source);

        // Prometheus, which could otherwise send a forged client-certificate header from inside the cluster, no
        // longer reaches the public port; the ingress controller does not reach the operations port.
        Assert.Equal([IngressNginx], NamespacesAllowedIn(manifests, Renders.Web, "https"));
        Assert.Equal([Monitoring], NamespacesAllowedIn(manifests, Renders.Web, "ops"));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Nothing_may_connect_to_the_migration_job(string source)
    {
        var manifests = Kustomize.Render(source);
        var job = manifests.PodTemplate(Renders.AuditMigrate);

        Assert.All(Selecting(manifests, job, "Ingress"), p => Assert.Empty(p.Spec.Ingress ?? []));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_egress_rule_names_its_destinations_and_ports(string source)
    {
        foreach (var policy in Kustomize.Render(source).NetworkPolicies)
        {
            foreach (var rule in policy.Spec.Egress ?? [])
            {
                var name = policy.Metadata.Name;
                Assert.True(rule.To is { Count: > 0 }, $"{name} allows egress to anywhere");
                Assert.True(rule.Ports is { Count: > 0 }, $"{name} allows egress on every port");
                Assert.All(rule.To, peer =>
                {
                    Assert.False(peer.IpBlock?.Cidr is "0.0.0.0/0" or "::/0", $"{name} allows egress to the whole internet");
                    Assert.False(peer is { IpBlock: null, NamespaceSelector: not null, PodSelector: null }, $"{name} allows egress to a whole namespace");
                });
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Pods_may_only_send_to_dns_their_data_services_the_collector_the_crl_host_and_silos(string source)
    {
        var manifests = Kustomize.Render(source);
        var redisPorts = new[] { "TCP/6379", "TCP/6380" };
        var expected = new Dictionary<string, string[]>
        {
            // The silos read the card CRLs (they own revocation); the web reads none.
            [Renders.Silo] = ["UDP/53", "TCP/53", "TCP/11111", "TCP/30000", "TCP/5432", "TCP/4317", "TCP/4318", "TCP/80"],
            [Renders.Web] = ["UDP/53", "TCP/53", "TCP/30000", "TCP/5432", "TCP/4317", "TCP/4318"],
            [Renders.AuditMigrate] = ["UDP/53", "TCP/53", "TCP/5432"],
        };

        foreach (var (workload, ports) in expected)
        {
            var allowed = Selecting(manifests, manifests.PodTemplate(workload), "Egress")
                .SelectMany(p => p.Spec.Egress ?? [])
                .SelectMany(r => r.Ports)
                .Select(p => $"{p.Protocol ?? "TCP"}/{p.Port.Value}")
                .ToHashSet();
            var redis = allowed.Intersect(redisPorts).ToList();
            if (workload == Renders.AuditMigrate)
            {
                Assert.Empty(redis);
            }
            else
            {
                Assert.Single(redis);
            }

            Assert.Equal(ports.Order(), allowed.Except(redisPorts).Order());
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Egress_to_silos_uses_the_port_numbers_the_silo_container_declares(string source)
    {
        var manifests = Kustomize.Render(source);
        var silo = manifests.PodTemplate(Renders.Silo);
        var siloPorts = silo.Spec.Containers.Single().Ports.Select(p => p.ContainerPort.ToString()).ToHashSet();
        var rulesToSilos = manifests.NetworkPolicies
            .SelectMany(p => p.Spec.Egress ?? [])
            .Where(r => r.To.Any(peer => peer.NamespaceSelector is null && peer.IpBlock is null && LabelSelectors.Matches(peer.PodSelector, silo.Labels)))
            .ToList();

        Assert.NotEmpty(rulesToSilos);
        Assert.All(rulesToSilos.SelectMany(r => r.Ports), p => Assert.Contains(p.Port.Value, siloPorts));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Dns_is_allowed_only_to_the_cluster_dns_pods(string source)
    {
        var manifests = Kustomize.Render(source);
        var dnsRules = manifests.NetworkPolicies
            .SelectMany(p => p.Spec.Egress ?? [])
            .Where(r => r.Ports.Any(p => p.Port.Value == "53"))
            .ToList();

        var rule = Assert.Single(dnsRules);
        var peer = Assert.Single(rule.To);
        Assert.True(LabelSelectors.Matches(peer.NamespaceSelector, NamespaceLabels("kube-system")));
        Assert.False(LabelSelectors.Matches(peer.NamespaceSelector, NamespaceLabels("default")));
        Assert.Equal("kube-dns", peer.PodSelector?.MatchLabels?["k8s-app"]);
    }

    /// <summary>Workloads in the pod's own namespace that may connect to the named port; fails on any peer outside it.</summary>
    private static IReadOnlyList<string> WorkloadsAllowedIn(RenderedManifests manifests, string workload, string portName)
    {
        var pod = manifests.PodTemplate(workload);
        var peers = PeersAllowedIn(manifests, pod, portName);
        Assert.NotEmpty(peers);
        Assert.All(peers, peer => Assert.True(
            peer is { NamespaceSelector: null, IpBlock: null, PodSelector: not null },
            $"{workload}:{portName} admits traffic from outside the namespace's own pods"));
        return manifests.PodTemplates
            .Where(p => peers.Any(peer => LabelSelectors.Matches(peer!.PodSelector, p.Labels)))
            .Select(p => p.Name)
            .Order()
            .ToList();
    }

    /// <summary>Namespaces (among the usual suspects) whose pods may connect to the named port; fails on broad peers.</summary>
    private static IReadOnlyList<string> NamespacesAllowedIn(RenderedManifests manifests, string workload, string portName)
    {
        var pod = manifests.PodTemplate(workload);
        var peers = PeersAllowedIn(manifests, pod, portName);
        Assert.NotEmpty(peers);
        var candidates = new[] { pod.Namespace, "default", "kube-system", IngressNginx, Monitoring, "ers-data", "observability" };
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var peer in peers)
        {
            Assert.True(peer is { NamespaceSelector: not null, IpBlock: null, PodSelector: not null },
                $"{workload}:{portName} admits a peer that is not specific pods of a specific namespace");
            var matching = candidates.Where(n => LabelSelectors.Matches(peer!.NamespaceSelector, NamespaceLabels(n))).ToList();
            Assert.True(matching.Count == 1, $"{workload}:{portName} admits pods from {matching.Count} namespaces through one peer");
            Assert.True(peer!.PodSelector.MatchLabels is { Count: > 0 }, $"{workload}:{portName} admits every pod of {matching[0]}");
            allowed.Add(matching[0]);
        }

        return [.. allowed];
    }

    /// <summary>The peers of every ingress rule that lets traffic reach the named port; <c>null</c> stands for "anyone".</summary>
    private static List<V1NetworkPolicyPeer?> PeersAllowedIn(RenderedManifests manifests, PodTemplate pod, string portName)
    {
        var port = Renders.NamedPort(pod.Spec.Containers.Single(), portName);
        var peers = new List<V1NetworkPolicyPeer?>();
        foreach (var rule in Selecting(manifests, pod, "Ingress").SelectMany(p => p.Spec.Ingress ?? []))
        {
            var coversPort = rule.Ports is null or { Count: 0 } || rule.Ports.Any(p =>
                (p.Protocol ?? "TCP") == (port.Protocol ?? "TCP")
                && (p.Port is null || p.Port.Value == port.Name || p.Port.Value == port.ContainerPort.ToString()));
            if (!coversPort)
            {
                continue;
            }

            if (rule.FromProperty is null or { Count: 0 })
            {
                peers.Add(null);
            }
            else
            {
                peers.AddRange(rule.FromProperty);
            }
        }

        Assert.DoesNotContain(null, peers);
        return peers;
    }

    private static IEnumerable<V1NetworkPolicy> Selecting(RenderedManifests manifests, PodTemplate pod, string policyType) =>
        manifests.NetworkPolicies.Where(p =>
            p.Metadata.NamespaceProperty == pod.Namespace
            && LabelSelectors.Matches(p.Spec.PodSelector, pod.Labels)
            && (p.Spec.PolicyTypes ?? ["Ingress"]).Contains(policyType));

    private static Dictionary<string, string> NamespaceLabels(string name) => new() { ["kubernetes.io/metadata.name"] = name };
}
