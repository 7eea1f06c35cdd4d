using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ers.ServiceDefaults;

/// <summary>
/// Kubernetes probes. Checks are tagged: <c>startup</c> (configuration valid, listeners bound, joined the
/// cluster), <c>ready</c> (can serve now: stores reachable), <c>live</c> (local progress only, never a dependency,
/// so a store outage never restarts every pod at once).
/// </summary>
public static class HealthEndpoints
{
    public const string Startup = "startup";
    public const string Ready = "ready";
    public const string Live = "live";

    public static IHealthChecksBuilder AddErsHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck("process", () => HealthCheckResult.Healthy(), [Live]);

    public static IEndpointRouteBuilder MapErsHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Startup) });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) });
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Live) });
        return endpoints;
    }
}
