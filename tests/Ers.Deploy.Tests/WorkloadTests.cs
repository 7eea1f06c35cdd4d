using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>The long-running workloads: replicas, resources, probes, hardening, shutdown, placement.</summary>
public sealed class WorkloadTests
{
    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_silo_runs_at_least_three_replicas_and_the_autoscaler_never_goes_below_that(string source)
    {
        var manifests = Kustomize.Render(source);
        var silo = manifests.Single<V1Deployment>(Renders.Silo);
        var autoscaler = manifests.Single<V2HorizontalPodAutoscaler>(Renders.Silo);

        Assert.True(silo.Spec.Replicas >= 3, $"ers-silo has {silo.Spec.Replicas} replicas");
        Assert.True(autoscaler.Spec.MinReplicas >= 3, $"the silo autoscaler may go down to {autoscaler.Spec.MinReplicas}");
        // Equal, so that `kubectl apply` resetting spec.replicas never drops below what the autoscaler keeps anyway.
        Assert.Equal(silo.Spec.Replicas, autoscaler.Spec.MinReplicas);
        Assert.True(autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_long_running_container_has_named_ports_resources_and_all_three_health_probes(string source)
    {
        var manifests = Kustomize.Render(source);
        Assert.Equal([Renders.Silo, Renders.Web], manifests.Deployments.Select(d => d.Metadata.Name).Order());

        foreach (var deployment in manifests.Deployments)
        {
            foreach (var container in deployment.Spec.Template.Spec.Containers)
            {
                var where = $"{deployment.Metadata.Name}/{container.Name}";
                Assert.NotEmpty(container.Ports);
                Assert.All(container.Ports, p => Assert.False(string.IsNullOrEmpty(p.Name), $"{where} has an unnamed port {p.ContainerPort}"));

                AssertHttpProbe(container, container.StartupProbe, "/health/startup", where);
                AssertHttpProbe(container, container.ReadinessProbe, "/health/ready", where);
                AssertHttpProbe(container, container.LivenessProbe, "/health/live", where);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_container_requests_and_limits_memory_and_cpu_with_memory_guaranteed(string source)
    {
        foreach (var pod in Kustomize.Render(source).PodTemplates)
        {
            foreach (var container in pod.Spec.Containers)
            {
                var where = $"{pod}/{container.Name}";
                var requests = container.Resources?.Requests ?? throw new Xunit.Sdk.XunitException($"{where} has no requests");
                var limits = container.Resources.Limits ?? throw new Xunit.Sdk.XunitException($"{where} has no limits");
                foreach (var resource in new[] { "memory", "cpu" })
                {
                    Assert.True(requests.ContainsKey(resource), $"{where} requests no {resource}");
                    Assert.True(limits.ContainsKey(resource), $"{where} limits no {resource}");
                    Assert.True(requests[resource].ToDecimal() <= limits[resource].ToDecimal(), $"{where} requests more {resource} than its limit");
                }

                // A pod over its memory request is the first the kubelet evicts: ask for what the limit allows.
                Assert.True(limits["memory"].ToDecimal() == requests["memory"].ToDecimal(), $"{where} requests less memory than its limit");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_pod_runs_as_the_non_root_app_user_with_a_read_only_root_and_no_capabilities(string source)
    {
        foreach (var pod in Kustomize.Render(source).PodTemplates)
        {
            var spec = pod.Spec;
            Assert.True(spec.SecurityContext?.RunAsNonRoot, $"{pod} does not require a non-root user");
            Assert.Equal(1654, spec.SecurityContext!.RunAsUser);
            Assert.Equal("RuntimeDefault", spec.SecurityContext.SeccompProfile?.Type);
            Assert.NotEqual(true, spec.HostNetwork);
            Assert.NotEqual(true, spec.HostPID);
            Assert.NotEqual(true, spec.HostIPC);
            Assert.Null(spec.InitContainers);

            foreach (var container in spec.Containers)
            {
                var where = $"{pod}/{container.Name}";
                var context = container.SecurityContext ?? throw new Xunit.Sdk.XunitException($"{where} has no securityContext");
                Assert.True(context.RunAsNonRoot, $"{where}: runAsNonRoot");
                Assert.True(context.ReadOnlyRootFilesystem, $"{where}: readOnlyRootFilesystem");
                Assert.False(context.AllowPrivilegeEscalation ?? true, $"{where}: allowPrivilegeEscalation");
                Assert.NotEqual(true, context.Privileged);
                Assert.Contains("ALL", context.Capabilities?.Drop ?? []);
                Assert.Empty(context.Capabilities?.Add ?? []);
                Assert.NotEqual(0, context.RunAsUser ?? 1654);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_pod_has_its_own_service_account_and_no_api_token(string source)
    {
        var manifests = Kustomize.Render(source);
        var accounts = manifests.Objects.OfType<V1ServiceAccount>().ToDictionary(a => a.Metadata.Name);
        var used = new HashSet<string>();

        foreach (var pod in manifests.PodTemplates)
        {
            Assert.False(pod.Spec.AutomountServiceAccountToken ?? true, $"{pod} mounts an API token");
            var name = pod.Spec.ServiceAccountName;
            Assert.False(string.IsNullOrEmpty(name), $"{pod} runs as the namespace's default service account");
            Assert.True(accounts.TryGetValue(name, out var account), $"{pod} uses service account '{name}', which is not rendered");
            Assert.False(account.AutomountServiceAccountToken ?? true, $"service account {name} automounts its token");
            Assert.True(used.Add(name), $"service account {name} is shared by more than one workload");
            // Service links would add variables the manifests do not declare (and collide with ASP.NET's names).
            Assert.False(pod.Spec.EnableServiceLinks ?? true, $"{pod} gets service-link variables");
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Termination_grace_outlasts_the_shutdown_timeout_and_the_pre_stop_pause(string source)
    {
        var manifests = Kustomize.Render(source);
        foreach (var deployment in manifests.Deployments)
        {
            var name = deployment.Metadata.Name;
            var container = deployment.Spec.Template.Spec.Containers.Single();
            var environment = Renders.EnvironmentOf(manifests, name, container);
            Assert.True(environment.TryGetValue("Ers__Cluster__ShutdownTimeout", out var declared), $"{name} declares no shutdown timeout");
            var shutdown = TimeSpan.Parse(declared, System.Globalization.CultureInfo.InvariantCulture);
            var preStop = TimeSpan.FromSeconds(container.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0);
            var grace = TimeSpan.FromSeconds(deployment.Spec.Template.Spec.TerminationGracePeriodSeconds ?? 30);

            Assert.True(shutdown > TimeSpan.Zero);
            Assert.True(grace > shutdown + preStop, $"{name}: grace {grace} is not longer than shutdown {shutdown} + preStop {preStop}");
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_silo_advertises_its_pod_ip_and_name_from_the_downward_api_on_the_ports_it_exposes(string source)
    {
        var manifests = Kustomize.Render(source);
        var container = manifests.Container(Renders.Silo, "silo");
        var env = container.Env.ToDictionary(e => e.Name);

        Assert.Equal("status.podIP", env["Ers__Cluster__AdvertisedAddress"].ValueFrom?.FieldRef?.FieldPath);
        Assert.Equal("metadata.name", env["Ers__Cluster__SiloName"].ValueFrom?.FieldRef?.FieldPath);

        var declared = Renders.EnvironmentOf(manifests, Renders.Silo);
        Assert.Equal(11111, Renders.NamedPort(container, "silo").ContainerPort);
        Assert.Equal(30000, Renders.NamedPort(container, "gateway").ContainerPort);
        Assert.Equal(Renders.NamedPort(container, "silo").ContainerPort.ToString(), declared["Ers__Cluster__SiloPort"]);
        Assert.Equal(Renders.NamedPort(container, "gateway").ContainerPort.ToString(), declared["Ers__Cluster__GatewayPort"]);
        Assert.Equal("127.0.0.2", declared["Ers__Cluster__AdvertisedAddress"]);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Both_hosts_join_the_redis_cluster_and_serve_on_their_named_ports(string source)
    {
        var manifests = Kustomize.Render(source);
        foreach (var workload in new[] { Renders.Silo, Renders.Web })
        {
            var pod = manifests.PodTemplate(workload);
            var container = pod.Spec.Containers.Single();
            var declared = Renders.EnvironmentOf(manifests, workload);

            if (workload == Renders.Silo)
            {
                Assert.Equal(8080, Renders.NamedPort(container, "http").ContainerPort);
                Assert.Equal("8080", declared["ASPNETCORE_HTTP_PORTS"]);
            }
            else
            {
                // The web's requests come from the ingress over TLS on `https` (8443); its plain HTTP is `ops` alone.
                Assert.Equal(8443, Renders.NamedPort(container, "https").ContainerPort);
            }

            Assert.Equal("Redis", declared["Ers__Cluster__Provider"]);
            Assert.Equal("Postgres", declared["Ers__Audit__Store"]);
            Assert.False(string.IsNullOrWhiteSpace(declared["Ers__Cluster__ClusterId"]));
            Assert.False(string.IsNullOrWhiteSpace(declared["Ers__Cluster__ServiceId"]));
            Assert.Equal(workload, declared["OTEL_SERVICE_NAME"]);
            Assert.True(Uri.TryCreate(declared["OTEL_EXPORTER_OTLP_ENDPOINT"], UriKind.Absolute, out _));
            Assert.Equal("redis-stand-in", declared["ConnectionStrings__Redis"]);
            if (workload == Renders.Silo)
            {
                Assert.Equal("postgres-stand-in", declared["ConnectionStrings__Audit"]);
            }
            else
            {
                // The web writes its records through the silos (IEdgeAuditGrain): it holds no audit credential or chain key.
                Assert.DoesNotContain("ConnectionStrings__Audit", declared.Keys);
                Assert.DoesNotContain("Ers__Audit__ChainKey", declared.Keys);
            }

            Assert.DoesNotContain("$(", declared["OTEL_RESOURCE_ATTRIBUTES"]);
        }

        // The silo pods carry the Orleans identity they declare, so a selector on it finds exactly this cluster.
        var silo = manifests.PodTemplate(Renders.Silo);
        var siloEnvironment = Renders.EnvironmentOf(manifests, Renders.Silo);
        Assert.Equal(siloEnvironment["Ers__Cluster__ServiceId"], silo.Labels["orleans/serviceId"]);
        Assert.Equal(siloEnvironment["Ers__Cluster__ClusterId"], silo.Labels["orleans/clusterId"]);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_certificate_file_the_web_reads_is_in_a_read_only_mount_of_an_external_object(string source)
    {
        var manifests = Kustomize.Render(source);
        var pod = manifests.PodTemplate(Renders.Web);
        var container = pod.Spec.Containers.Single();
        var declared = Renders.EnvironmentOf(manifests, Renders.Web);

        // The settings of src/Ers.Web/Security that name files; appsettings.json's local paths are replaced at index 0.
        var fileSettings = new Dictionary<string, string>
        {
            ["Ers__CardAuthentication__TrustedRoots__0"] = "ers-card-pki",
            ["Ers__CardAuthentication__IntermediateCertificates__0"] = "ers-card-pki",
            ["Ers__Workstations__TrustedRoots__0"] = "workstation-ca",
            ["Ers__Workstations__CrlSources__0"] = "workstation-ca",
        };
        foreach (var (setting, owner) in fileSettings)
        {
            var path = declared[setting];
            var mount = Assert.Single(container.VolumeMounts, m => path.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
            Assert.True(mount.ReadOnlyProperty, $"{mount.MountPath} is writable");
            var volume = Assert.Single(pod.Spec.Volumes, v => v.Name == mount.Name);
            Assert.Equal(owner, volume.ConfigMap?.Name ?? volume.Secret?.SecretName);
            var file = path[(mount.MountPath.Length + 1)..];
            if (volume.Secret?.Items is { Count: > 0 } items)
            {
                Assert.Contains(items, i => i.Path == file);
            }
        }

        Assert.True(Uri.TryCreate(declared["Ers__CardAuthentication__CrlSources__0"], UriKind.Absolute, out var crl) && crl.Scheme == "http",
            "card CRLs are fetched over plain HTTP (they are signed), and the egress policy opens port 80 for them");
        Assert.Equal("", declared["Ers__Tokens__KeyFile"]);
        Assert.Equal("token-signing-key", container.Env.Single(e => e.Name == "Ers__Tokens__Key").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("", declared["Ers__Directory__SeedFile"]);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_web_opens_no_https_listener_of_its_own_and_sends_browsers_to_the_ingress_host(string source)
    {
        var manifests = Kustomize.Render(source);
        var declared = Renders.EnvironmentOf(manifests, Renders.Web);
        var ingress = Assert.Single(manifests.Objects.OfType<k8s.Models.V1Ingress>());

        Assert.Equal("", declared["Ers__AgentApi__HttpsUrl"]);
        Assert.Equal("", declared["Ers__AgentApi__ServerCertificatePath"]);
        var browser = new Uri(declared["Ers__AgentApi__BrowserBaseUrl"]);
        Assert.Equal("https", browser.Scheme);
        Assert.Contains(ingress.Spec.Rules, r => r.Host == browser.Host);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Silos_own_revocation_so_they_get_the_ca_and_crl_settings_and_read_only_mounts_and_nothing_else_of_the_web(string source)
    {
        var manifests = Kustomize.Render(source);
        var pod = manifests.PodTemplate(Renders.Silo);
        var container = pod.Spec.Containers.Single();
        var declared = Renders.EnvironmentOf(manifests, Renders.Silo);
        var web = Renders.EnvironmentOf(manifests, Renders.Web);

        // The settings src/Ers.Grains/Revocation/CrlOptions.cs binds, the same values as the web's; no token key, no
        // proxy trust, no other web setting.
        string[] revocation =
        [
            "Ers__CardAuthentication__TrustedRoots__0", "Ers__CardAuthentication__IntermediateCertificates__0",
            "Ers__CardAuthentication__CrlSources__0", "Ers__Workstations__TrustedRoots__0", "Ers__Workstations__CrlSources__0",
        ];
        var certificateSettings = declared.Keys.Where(k => k.StartsWith("Ers__CardAuthentication__", StringComparison.Ordinal)
            || k.StartsWith("Ers__Workstations__", StringComparison.Ordinal)).ToList();
        Assert.Equal(revocation.Order(), certificateSettings.Order());
        Assert.All(revocation, k => Assert.Equal(web[k], declared[k]));
        Assert.DoesNotContain(declared.Keys, k => k.StartsWith("Ers__Tokens__", StringComparison.Ordinal) || k.StartsWith("Ers__Web__", StringComparison.Ordinal));
        foreach (var mount in container.VolumeMounts.Where(m => m.MountPath.StartsWith("/etc/ers/", StringComparison.Ordinal)))
        {
            Assert.True(mount.ReadOnlyProperty, $"{mount.MountPath} is writable");
            var volume = Assert.Single(pod.Spec.Volumes, v => v.Name == mount.Name);
            Assert.Contains(volume.ConfigMap?.Name ?? volume.Secret?.SecretName, new[] { "ers-card-pki", "workstation-ca", "ers-cluster-tls" });
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Silos_and_web_speak_mutual_tls_to_each_other_with_the_mounted_cluster_certificate(string source)
    {
        var manifests = Kustomize.Render(source);
        foreach (var workload in new[] { Renders.Silo, Renders.Web })
        {
            var pod = manifests.PodTemplate(workload);
            var container = pod.Spec.Containers.Single();
            var declared = Renders.EnvironmentOf(manifests, workload);
            var mount = Assert.Single(container.VolumeMounts, m => m.MountPath == "/etc/ers/cluster-tls");
            var volume = Assert.Single(pod.Spec.Volumes, v => v.Name == mount.Name);

            Assert.True(mount.ReadOnlyProperty);
            Assert.Equal("ers-cluster-tls", volume.Secret.SecretName);
            Assert.Equal("/etc/ers/cluster-tls/tls.crt", declared["Ers__Cluster__Tls__CertificatePath"]);
            Assert.Equal("/etc/ers/cluster-tls/tls.key", declared["Ers__Cluster__Tls__KeyPath"]);
            Assert.Equal("/etc/ers/cluster-tls/ca.crt", declared["Ers__Cluster__Tls__CaPath"]);
            Assert.Equal(["ca.crt", "tls.crt", "tls.key"], volume.Secret.Items.Select(i => i.Path).Order());
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Silos_and_web_pods_spread_across_zones_and_nodes(string source)
    {
        var manifests = Kustomize.Render(source);
        foreach (var workload in new[] { Renders.Silo, Renders.Web })
        {
            var pod = manifests.PodTemplate(workload);
            var constraints = pod.Spec.TopologySpreadConstraints ?? [];
            foreach (var key in new[] { "topology.kubernetes.io/zone", "kubernetes.io/hostname" })
            {
                var constraint = Assert.Single(constraints, c => c.TopologyKey == key);
                Assert.Equal(1, constraint.MaxSkew);
                Assert.True(LabelSelectors.Matches(constraint.LabelSelector, pod.Labels), $"{workload}'s {key} spread does not count its own pods");
                Assert.All(manifests.PodTemplates.Where(p => p.Name != workload),
                    other => Assert.False(LabelSelectors.Matches(constraint.LabelSelector, other.Labels), $"{workload}'s {key} spread counts {other}"));
            }

            Assert.Equal("DoNotSchedule", constraints.Single(c => c.TopologyKey == "topology.kubernetes.io/zone").WhenUnsatisfiable);
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Disruption_budgets_select_exactly_one_workload_each_and_allow_one_pod_down(string source)
    {
        var manifests = Kustomize.Render(source);
        var budgets = manifests.Objects.OfType<V1PodDisruptionBudget>().ToList();

        foreach (var workload in new[] { Renders.Silo, Renders.Web })
        {
            var pod = manifests.PodTemplate(workload);
            var budget = Assert.Single(budgets, b => LabelSelectors.Matches(b.Spec.Selector, pod.Labels));
            Assert.Equal("1", budget.Spec.MaxUnavailable?.Value);
            Assert.Null(budget.Spec.MinAvailable);
            Assert.Equal("AlwaysAllow", budget.Spec.UnhealthyPodEvictionPolicy);
        }

        Assert.All(budgets, b => Assert.Single(manifests.PodTemplates, p => LabelSelectors.Matches(b.Spec.Selector, p.Labels)));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Autoscalers_target_the_rendered_deployments(string source)
    {
        var manifests = Kustomize.Render(source);
        var autoscalers = manifests.Objects.OfType<V2HorizontalPodAutoscaler>().ToList();

        Assert.Equal([Renders.Silo, Renders.Web], autoscalers.Select(a => a.Spec.ScaleTargetRef.Name).Order());
        foreach (var autoscaler in autoscalers)
        {
            var target = autoscaler.Spec.ScaleTargetRef;
            Assert.Equal("apps/v1", target.ApiVersion);
            Assert.Equal("Deployment", target.Kind);
            var deployment = manifests.Single<V1Deployment>(target.Name);
            Assert.True(autoscaler.Spec.MinReplicas >= 2, $"{target.Name} may scale to a single pod");
            Assert.Equal(deployment.Spec.Replicas, autoscaler.Spec.MinReplicas);
            // A CPU target needs CPU requests to mean anything.
            Assert.Contains(autoscaler.Spec.Metrics, m => m.Resource?.Name == "cpu");
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Prometheus_scrapes_metrics_on_the_operations_port(string source)
    {
        var manifests = Kustomize.Render(source);
        // The silo has no public HTTP surface: its `http` port is its operations port. The web's is `ops`.
        foreach (var (workload, port) in new[] { (Renders.Silo, "http"), (Renders.Web, "ops") })
        {
            var pod = manifests.PodTemplate(workload);
            var annotations = pod.Template.Metadata.Annotations;
            Assert.Equal("true", annotations["prometheus.io/scrape"]);
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
            Assert.Equal(Renders.NamedPort(pod.Spec.Containers.Single(), port).ContainerPort.ToString(), annotations["prometheus.io/port"]);
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_web_serves_operations_endpoints_on_the_ops_port_which_its_service_does_not_expose(string source)
    {
        var manifests = Kustomize.Render(source);
        var container = manifests.PodTemplate(Renders.Web).Spec.Containers.Single();
        var declared = Renders.EnvironmentOf(manifests, Renders.Web);
        var service = manifests.Services.Single(s => s.Metadata.Name == Renders.Web);

        Assert.Equal(Renders.NamedPort(container, "ops").ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), declared["Ers__Operations__Port"]);
        Assert.All(new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe }, p => Assert.Equal("ops", p.HttpGet.Port.Value));
        Assert.Equal(["https"], service.Spec.Ports.Select(p => p.TargetPort.Value));
    }

    private static void AssertHttpProbe(V1Container container, V1Probe? probe, string path, string where)
    {
        Assert.True(probe?.HttpGet is not null, $"{where} has no HTTP probe for {path}");
        Assert.Equal(path, probe!.HttpGet.Path);
        var port = probe.HttpGet.Port.Value;
        Assert.True(container.Ports.Any(p => p.Name == port), $"{where} probes {path} on port '{port}', which is not one of its named ports");
    }
}
