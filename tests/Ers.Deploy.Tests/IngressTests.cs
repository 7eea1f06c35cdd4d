using k8s.Models;

namespace Ers.Deploy.Tests;

public sealed class IngressTests
{
    private const string Annotation = "nginx.ingress.kubernetes.io/";

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_ingress_asks_for_workstation_certificates_and_forwards_them_in_the_header_the_web_reads(string source)
    {
        var manifests = Kustomize.Render(source);
        var ingress = Assert.Single(manifests.Objects.OfType<V1Ingress>());
        var annotations = ingress.Metadata.Annotations;

        // Optional: browsers on the same host are not asked for a certificate they do not have.
        Assert.Equal("optional", annotations[Annotation + "auth-tls-verify-client"]);
        Assert.Equal($"{ingress.Metadata.NamespaceProperty}/workstation-ca", annotations[Annotation + "auth-tls-secret"]);
        Assert.Equal("true", annotations[Annotation + "auth-tls-pass-certificate-to-upstream"]);
        Assert.Equal("nginx", ingress.Spec.IngressClassName);

        // ingress-nginx always names the header ssl-client-cert; the web must read that one.
        var web = Renders.EnvironmentOf(manifests, Renders.Web);
        Assert.Equal("ssl-client-cert", web["Ers__Workstations__ForwardedCertificateHeader"]);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_ingress_reaches_the_pods_over_tls_presenting_its_own_certificate_and_verifying_theirs(string source)
    {
        var manifests = Kustomize.Render(source);
        var ingress = Assert.Single(manifests.Objects.OfType<V1Ingress>());
        var annotations = ingress.Metadata.Annotations;
        var ns = ingress.Metadata.NamespaceProperty;

        Assert.Equal("HTTPS", annotations[Annotation + "backend-protocol"]);
        // The Secret (tls.crt, tls.key: the ingress's client certificate; ca.crt: the pods' CA) is created outside the repo.
        Assert.Equal($"{ns}/ers-ingress-upstream-tls", annotations[Annotation + "proxy-ssl-secret"]);
        Assert.Equal("on", annotations[Annotation + "proxy-ssl-verify"]);
        // The name verified is the web Service's in the rendered namespace (an overlay that moves it must follow).
        Assert.Equal($"{Renders.Web}.{ns}.svc", annotations[Annotation + "proxy-ssl-name"]);
        var web = Renders.EnvironmentOf(manifests, Renders.Web);
        Assert.StartsWith("https://", web["Ers__Ingress__HttpsUrl"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(web["Ers__Ingress__ClientCaPath"]));
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Every_ingress_host_is_served_over_tls_by_the_web_service_port_https(string source)
    {
        var manifests = Kustomize.Render(source);
        var ingress = Assert.Single(manifests.Objects.OfType<V1Ingress>());
        var tlsHosts = ingress.Spec.Tls.SelectMany(t => t.Hosts).ToHashSet();
        var webService = manifests.Single<V1Service>(Renders.Web);

        Assert.NotEmpty(ingress.Spec.Rules);
        foreach (var rule in ingress.Spec.Rules)
        {
            Assert.Contains(rule.Host, tlsHosts);
            foreach (var path in rule.Http.Paths)
            {
                Assert.Equal(webService.Metadata.Name, path.Backend.Service.Name);
                Assert.Contains(webService.Spec.Ports, p => p.Name == path.Backend.Service.Port.Name);
            }
        }

        Assert.All(ingress.Spec.Tls, t => Assert.Contains(t.SecretName, Renders.ExternalSecrets));
    }

    [Fact]
    public void The_example_overlay_replaces_the_base_hosts_and_sources()
    {
        var manifests = Kustomize.Render(Kustomize.ExampleOverlay);
        var web = Renders.EnvironmentOf(manifests, Renders.Web);

        Assert.DoesNotContain("example.org", web["Ers__CardAuthentication__CrlSources__0"], StringComparison.Ordinal);
        var ingress = Assert.Single(manifests.Objects.OfType<V1Ingress>());
        Assert.DoesNotContain(ingress.Spec.Rules, r => r.Host.EndsWith("example.org", StringComparison.Ordinal));
    }
}
