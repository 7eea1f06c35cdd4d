using System.Net;
using k8s.Models;

namespace Ers.Deploy.Tests;

/// <summary>What a production overlay must change from the base.</summary>
public sealed class OverlayTests
{
    private static readonly IPNetwork[] DocumentationRanges =
        [IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24")];

    [Fact]
    public void The_example_overlay_pins_every_image_to_a_release_tag_in_a_registry()
    {
        foreach (var container in Kustomize.Render(Kustomize.ExampleOverlay).PodTemplates.SelectMany(p => p.Spec.Containers))
        {
            Assert.Contains('/', container.Image);
            Assert.DoesNotContain(Images.Tag(container.Image), new[] { null, "latest", "dev" });
        }
    }

    [Fact]
    public void The_example_overlay_replaces_the_base_placeholder_addresses()
    {
        var baseBlocks = IpBlocks(Kustomize.Render(Kustomize.Base)).ToList();
        var overlayBlocks = IpBlocks(Kustomize.Render(Kustomize.ExampleOverlay)).ToList();

        // The base really has a placeholder, so this test watches something.
        Assert.Contains(baseBlocks, b => DocumentationRanges.Any(r => r.Contains(b.BaseAddress)));
        Assert.NotEmpty(overlayBlocks);
        Assert.DoesNotContain(overlayBlocks, b => DocumentationRanges.Any(r => r.Contains(b.BaseAddress)));
    }

    [Fact]
    public void The_example_overlay_runs_more_silos_with_more_memory_than_the_base()
    {
        var baseSilo = Kustomize.Render(Kustomize.Base).Single<V1Deployment>(Renders.Silo);
        var overlaySilo = Kustomize.Render(Kustomize.ExampleOverlay).Single<V1Deployment>(Renders.Silo);

        Assert.True(overlaySilo.Spec.Replicas > baseSilo.Spec.Replicas);
        Assert.True(Memory(overlaySilo) > Memory(baseSilo));
        Assert.NotEqual(baseSilo.Metadata.NamespaceProperty, overlaySilo.Metadata.NamespaceProperty);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Each_workload_runs_the_image_built_for_it(string source)
    {
        var manifests = Kustomize.Render(source);
        var expected = new Dictionary<string, string>
        {
            [Renders.Silo] = "ers-silo",
            [Renders.Web] = "ers-web",
            [Renders.AuditMigrate] = "ers-tools",
        };

        Assert.Equal(expected.Keys.Order(), manifests.PodTemplates.Select(p => p.Name).Order());
        foreach (var pod in manifests.PodTemplates)
        {
            Assert.Equal(expected[pod.Name], Images.Repository(pod.Spec.Containers.Single().Image));
            Assert.Contains(expected[pod.Name], DockerfileTests.ImageProjects.Keys);
        }
    }

    private static decimal Memory(V1Deployment deployment) =>
        deployment.Spec.Template.Spec.Containers.Single().Resources.Limits["memory"].ToDecimal();

    private static IEnumerable<IPNetwork> IpBlocks(RenderedManifests manifests) =>
        manifests.NetworkPolicies
            .SelectMany(p => (p.Spec.Egress ?? []).SelectMany(r => r.To ?? []))
            .Where(peer => peer.IpBlock is not null)
            .Select(peer => IPNetwork.Parse(peer.IpBlock.Cidr));
}
