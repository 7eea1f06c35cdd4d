using System.Text.Json;

namespace Ers.Deploy.Tests;

/// <summary>
/// The address Kestrel will really bind in the pod, worked out the way ASP.NET Core does: a plain <c>Urls</c>
/// variable beats appsettings.json, which beats <c>ASPNETCORE_URLS</c>; any of them beats <c>ASPNETCORE_HTTP_PORTS</c>.
/// </summary>
public sealed class ListeningAddressTests
{
    public static TheoryData<string, string, string> Hosts => new()
    {
        { Kustomize.Base, Renders.Silo, "Ers.Silo" },
        { Kustomize.Base, Renders.Web, "Ers.Web" },
        { Kustomize.ExampleOverlay, Renders.Silo, "Ers.Silo" },
        { Kustomize.ExampleOverlay, Renders.Web, "Ers.Web" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_host_listens_on_every_interface_at_its_plain_http_ports(string source, string workload, string project)
    {
        var manifests = Kustomize.Render(source);
        var environment = Renders.EnvironmentOf(manifests, workload);
        // The silo's public HTTP port is `http`; the web's plain HTTP is its operations port alone (its ingress port is
        // TLS, declared in code from Ers__Ingress__HttpsUrl: The_web_serves_the_ingress_only_over_tls_on_the_port_named_https).
        var httpPort = Renders.NamedPort(manifests.PodTemplate(workload).Spec.Containers.Single(), workload == Renders.Web ? "ops" : "http").ContainerPort;

        var urls = Lookup(environment, "URLS")
            ?? AppSettingsUrls(project, "appsettings.Production.json")
            ?? AppSettingsUrls(project, "appsettings.json")
            ?? Lookup(environment, "ASPNETCORE_URLS");
        var bound = urls is null
            ? [$"http://+:{Lookup(environment, "ASPNETCORE_HTTP_PORTS") ?? "8080"}"]
            : urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // The HTTP ports (`http`, and the web's `ops` port of Ers__Operations__Port) are bound on every interface, and
        // nothing else is; the Orleans ports are the silo's own listeners.
        var container = manifests.PodTemplate(workload).Spec.Containers.Single();
        var expected = container.Ports.Where(p => p.Name is "http" or "ops").Select(p => p.ContainerPort).Order().ToList();
        Assert.All(bound, url => Assert.Matches(@"^http://(\+|\*|0\.0\.0\.0|\[::\]):\d+/?$", url));
        Assert.Equal(expected, bound.Select(u => int.Parse(u.TrimEnd('/').Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList());
        Assert.Contains(httpPort, expected);
        if (Lookup(environment, "Ers__Operations__Port") is { } operations)
        {
            Assert.Equal(Renders.NamedPort(container, "ops").ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), operations);
        }
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_web_serves_the_ingress_only_over_tls_on_the_port_named_https(string source)
    {
        var manifests = Kustomize.Render(source);
        var environment = Renders.EnvironmentOf(manifests, Renders.Web);
        var container = manifests.PodTemplate(Renders.Web).Spec.Containers.Single();

        var ingressPort = Renders.NamedPort(container, "https").ContainerPort;
        Assert.Equal($"https://+:{ingressPort}", environment["Ers__Ingress__HttpsUrl"]);
        // Its certificate, key and the ingress CA come from the Secret ers-web-ingress-tls, mounted read-only.
        var mount = Assert.Single(container.VolumeMounts, m => m.MountPath == "/etc/ers/ingress-tls");
        Assert.True(mount.ReadOnlyProperty);
        var volume = Assert.Single(manifests.PodTemplate(Renders.Web).Spec.Volumes, v => v.Name == mount.Name);
        Assert.Equal("ers-web-ingress-tls", volume.Secret.SecretName);
        var files = volume.Secret.Items.Select(i => "/etc/ers/ingress-tls/" + i.Path).ToHashSet();
        Assert.Contains(environment["Ers__Ingress__ServerCertificatePath"], files);
        Assert.Contains(environment["Ers__Ingress__ServerCertificateKeyPath"], files);
        Assert.Contains(environment["Ers__Ingress__ClientCaPath"], files);
        // No network range is trusted any more.
        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("Ers__Workstations__TrustedProxies", StringComparison.Ordinal));
        Assert.DoesNotContain(container.Ports, p => p.Name == "http");
    }

    private static string? Lookup(IReadOnlyDictionary<string, string> environment, string key) =>
        environment.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? AppSettingsUrls(string project, string file)
    {
        var path = Repository.PathOf($"src/{project}/{file}");
        if (!File.Exists(path))
        {
            return null;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return json.RootElement.EnumerateObject()
            .Where(p => string.Equals(p.Name, "Urls", StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Value.GetString())
            .LastOrDefault();
    }
}
