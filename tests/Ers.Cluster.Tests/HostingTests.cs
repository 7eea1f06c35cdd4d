using Ers.Audit;
using Ers.Audit.Postgres;
using Ers.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ers.Cluster.Tests;

/// <summary>What a host registers for each <c>Ers:Audit:Store</c> and cluster role (built, not started).</summary>
public sealed class HostingTests
{
    private static readonly Dictionary<string, string?> Production = new()
    {
        ["Ers:Cluster:Provider"] = "Redis",
        ["ConnectionStrings:Redis"] = "127.0.0.1:1,abortConnect=false",
        ["Ers:Audit:Store"] = "Postgres",
        ["ConnectionStrings:Audit"] = "Host=127.0.0.1;Port=1;Username=ers",
    };

    [Fact]
    public void A_silo_audits_to_PostgreSQL_and_is_ready_only_with_both_stores_and_its_membership()
    {
        using var host = Build(Production, b => b.AddErsSilo());

        Assert.IsType<PostgresAuditTrail>(host.Services.GetRequiredService<IAuditTrail>());
        Assert.Equal(["audit-store", "cluster-joined", "redis"], ChecksTagged(host, HealthEndpoints.Ready));
        Assert.Equal(["cluster-joined"], ChecksTagged(host, HealthEndpoints.Startup));
        Assert.Equal(["process"], ChecksTagged(host, HealthEndpoints.Live));
    }

    [Fact]
    public void A_web_client_holds_no_audit_store_and_stays_ready_without_it()
    {
        using var host = Build(Production, b => b.AddErsClusterClient());

        // Its records go to the silos' trail through IEdgeAuditGrain; it never connects to PostgreSQL itself.
        Assert.Null(host.Services.GetService<IAuditTrail>());
        Assert.Null(host.Services.GetService<Npgsql.NpgsqlDataSource>());
        Assert.Equal(["redis"], ChecksTagged(host, HealthEndpoints.Ready));
        Assert.Equal(["process"], ChecksTagged(host, HealthEndpoints.Live));
    }

    [Fact]
    public void Postgres_without_its_connection_string_stops_start_up_naming_the_setting()
    {
        var settings = new Dictionary<string, string?>(Production) { ["ConnectionStrings:Audit"] = null };

        var e = Assert.Throws<ErsConfigurationException>(() => Build(settings, b => b.AddErsSilo()));

        Assert.Contains("ConnectionStrings__Audit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_store_stops_start_up_listing_the_choices()
    {
        var settings = new Dictionary<string, string?>(Production) { ["Ers:Audit:Store"] = "Mongo" };

        var e = Assert.Throws<ErsConfigurationException>(() => Build(settings, b => b.AddErsSilo()));

        Assert.Contains("File, Postgres", e.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<HostApplicationBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        configure(builder);
        return builder.Build();
    }

    private static string[] ChecksTagged(IHost host, string tag) =>
        [.. host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .Where(r => r.Tags.Contains(tag)).Select(r => r.Name).Order(StringComparer.Ordinal)];
}
