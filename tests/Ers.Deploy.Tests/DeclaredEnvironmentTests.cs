using System.Diagnostics;
using k8s.Models;

namespace Ers.Deploy.Tests;

public sealed class DeclaredEnvironmentTests
{
    private static readonly V1ConfigMap Shared = new()
    {
        Metadata = new V1ObjectMeta { Name = "shared" },
        Data = new Dictionary<string, string> { ["Mode"] = "Redis", ["Port"] = "11111", ["bad=name"] = "skipped" },
    };

    private static readonly EnvironmentSources Sources = new()
    {
        ConfigMaps = [Shared],
        Secrets = DeclaredEnvironment.ErsSecrets(redis: "127.0.0.1:6390", auditPostgres: "Host=127.0.0.1"),
        Fields = EnvironmentSources.PodFields("ers-silo-0", "127.0.0.2"),
    };

    private static V1EnvVar Literal(string name, string value) => new() { Name = name, Value = value };

    private static V1EnvVar Field(string name, string path) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } } };

    private static V1EnvVar Secret(string name, string secret, string key, bool? optional = null) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key, Optional = optional } } };

    private static V1EnvVar ConfigMapKey(string name, string configMap, string key, bool? optional = null) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = configMap, Key = key, Optional = optional } } };

    private static V1EnvFromSource FromConfigMap(string name, string? prefix = null, bool? optional = null) =>
        new() { Prefix = prefix, ConfigMapRef = new V1ConfigMapEnvSource { Name = name, Optional = optional } };

    [Fact]
    public void Env_from_a_config_map_brings_every_valid_key_with_its_prefix()
    {
        var container = new V1Container { Name = "c", EnvFrom = [FromConfigMap("shared", prefix: "Ers__")] };

        var environment = DeclaredEnvironment.Resolve(container, Sources);

        Assert.Equal(
            new Dictionary<string, string> { ["Ers__Mode"] = "Redis", ["Ers__Port"] = "11111" },
            environment);
    }

    [Fact]
    public void An_env_entry_overrides_the_same_name_from_env_from_and_a_later_entry_overrides_an_earlier_one()
    {
        var container = new V1Container
        {
            Name = "c",
            EnvFrom = [FromConfigMap("shared")],
            Env = [Literal("Mode", "Localhost"), Literal("Extra", "1"), Literal("Extra", "2")],
        };

        var environment = DeclaredEnvironment.Resolve(container, Sources);

        Assert.Equal("Localhost", environment["Mode"]);
        Assert.Equal("2", environment["Extra"]);
        Assert.Equal("11111", environment["Port"]);
    }

    [Fact]
    public void Secret_config_map_and_downward_api_references_resolve_to_the_given_values()
    {
        var container = new V1Container
        {
            Name = "silo",
            Env =
            [
                Secret("ConnectionStrings__Redis", "ers-secrets", "redis"),
                ConfigMapKey("Port", "shared", "Port"),
                Field("Ers__Cluster__AdvertisedAddress", "status.podIP"),
                Field("Ers__Cluster__SiloName", "metadata.name"),
            ],
        };

        var environment = DeclaredEnvironment.Resolve(container, Sources);

        Assert.Equal("127.0.0.1:6390", environment["ConnectionStrings__Redis"]);
        Assert.Equal("11111", environment["Port"]);
        Assert.Equal("127.0.0.2", environment["Ers__Cluster__AdvertisedAddress"]);
        Assert.Equal("ers-silo-0", environment["Ers__Cluster__SiloName"]);
    }

    [Fact]
    public void A_secret_value_not_given_locally_fails_and_names_the_secret_and_key()
    {
        var container = new V1Container { Name = "web", Env = [Secret("ConnectionStrings__Audit", "other-secret", "audit")] };

        var error = Assert.Throws<InvalidOperationException>(() => DeclaredEnvironment.Resolve(container, Sources));

        Assert.Contains("'other-secret'", error.Message);
        Assert.Contains("'audit'", error.Message);
    }

    [Fact]
    public void A_missing_config_map_fails_unless_the_reference_is_optional()
    {
        var required = new V1Container { Name = "c", EnvFrom = [FromConfigMap("absent")] };
        var optional = new V1Container
        {
            Name = "c",
            EnvFrom = [FromConfigMap("absent", optional: true)],
            Env = [ConfigMapKey("Maybe", "shared", "NoSuchKey", optional: true), Secret("MaybeSecret", "ers-secrets", "nope", optional: true)],
        };

        var error = Assert.Throws<InvalidOperationException>(() => DeclaredEnvironment.Resolve(required, Sources));
        Assert.Contains("'absent'", error.Message);
        Assert.Empty(DeclaredEnvironment.Resolve(optional, Sources));
    }

    [Fact]
    public void A_downward_api_field_without_a_stand_in_fails_and_names_the_field()
    {
        var container = new V1Container { Name = "c", Env = [Field("NODE", "spec.serviceAccountName")] };

        var error = Assert.Throws<InvalidOperationException>(() => DeclaredEnvironment.Resolve(container, Sources));

        Assert.Contains("spec.serviceAccountName", error.Message);
    }

    [Fact]
    public void A_resource_field_reference_is_refused_rather_than_guessed()
    {
        var container = new V1Container
        {
            Name = "c",
            Env = [new V1EnvVar { Name = "LIMIT", ValueFrom = new V1EnvVarSource { ResourceFieldRef = new V1ResourceFieldSelector { Resource = "limits.memory" } } }],
        };

        Assert.Throws<NotSupportedException>(() => DeclaredEnvironment.Resolve(container, Sources));
    }

    [Fact]
    public void Literal_values_expand_references_to_variables_defined_before_them_only()
    {
        var container = new V1Container
        {
            Name = "c",
            Env =
            [
                Field("POD_NAME", "metadata.name"),
                Literal("ATTRIBUTES", "pod=$(POD_NAME),later=$(LATER),cost=$$5,odd=$x,open=$(POD_NAME"),
                Literal("LATER", "defined too late"),
            ],
        };

        var environment = DeclaredEnvironment.Resolve(container, Sources);

        Assert.Equal("pod=ers-silo-0,later=$(LATER),cost=$5,odd=$x,open=$(POD_NAME", environment["ATTRIBUTES"]);
    }

    [Fact]
    public void Values_from_references_are_not_expanded()
    {
        var configMap = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "raw" },
            Data = new Dictionary<string, string> { ["Value"] = "$(POD_NAME)" },
        };
        var container = new V1Container
        {
            Name = "c",
            Env = [Field("POD_NAME", "metadata.name"), ConfigMapKey("RAW", "raw", "Value")],
        };

        var environment = DeclaredEnvironment.Resolve(container, Sources with { ConfigMaps = [configMap] });

        Assert.Equal("$(POD_NAME)", environment["RAW"]);
    }

    [Fact]
    public void The_rendered_silo_declares_its_cluster_settings_with_local_stand_ins()
    {
        var manifests = Kustomize.Render(Kustomize.Base);

        var environment = DeclaredEnvironment.Resolve(manifests, "ers-silo", "silo", new EnvironmentSources
        {
            Secrets = DeclaredEnvironment.ErsSecrets(redis: "127.0.0.1:6390", auditPostgres: "Host=127.0.0.1;Port=5439"),
            Fields = EnvironmentSources.PodFields("ers-silo-0", "127.0.0.2"),
        });

        Assert.Equal("Redis", environment["Ers__Cluster__Provider"]);
        Assert.Equal("127.0.0.2", environment["Ers__Cluster__AdvertisedAddress"]);
        Assert.Equal("ers-silo-0", environment["Ers__Cluster__SiloName"]);
        Assert.Equal("127.0.0.1:6390", environment["ConnectionStrings__Redis"]);
        Assert.Equal("Host=127.0.0.1;Port=5439", environment["ConnectionStrings__Audit"]);
        Assert.Equal("k8s.namespace.name=ers,k8s.pod.name=ers-silo-0,service.instance.id=ers-silo-0", environment["OTEL_RESOURCE_ATTRIBUTES"]);
    }

    [Fact]
    public async Task A_process_started_with_the_declared_environment_sees_exactly_it_plus_what_dotnet_needs()
    {
        // This (test) process has variables of its own that the host must not inherit.
        var own = Environment.GetEnvironmentVariables().Keys.Cast<string>().Except(DeclaredEnvironment.InheritedForDotnet);
        Assert.NotEmpty(own);
        var declared = new Dictionary<string, string> { ["Ers__Cluster__Provider"] = "Redis", ["Urls"] = "http://+:8080", ["Gone"] = "x" };
        var startInfo = DeclaredEnvironment.StartInfo("/usr/bin/env", [], declared,
            new Dictionary<string, string?> { ["Urls"] = "http://127.0.0.1:18080", ["Gone"] = null });

        using var process = Process.Start(startInfo)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        var seen = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("Redis", seen["Ers__Cluster__Provider"]);
        Assert.Equal("http://127.0.0.1:18080", seen["Urls"]);
        Assert.Empty(seen.Keys.Except(["Ers__Cluster__Provider", "Urls", .. DeclaredEnvironment.InheritedForDotnet]));
        Assert.Contains("PATH", seen.Keys);
    }
}
