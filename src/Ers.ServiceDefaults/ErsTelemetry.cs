using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ers.ServiceDefaults;

/// <summary>
/// OpenTelemetry for every Ers host: traces (ASP.NET Core, HttpClient, Orleans grain calls), metrics (runtime,
/// ASP.NET Core, Orleans, Ers) and structured logs. A Prometheus scrape endpoint is always served at
/// <see cref="MetricsPath"/>; OTLP export is switched on only by the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// setting, so a local run needs no collector.
/// </summary>
public static class ErsTelemetry
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The Ers meter (instruments in <c>Ers.Grains.Telemetry.ErsMetrics</c>).</summary>
    public const string ErsMeter = "Ers";

    /// <summary>Orleans' meter (activations, messaging, storage, gateway).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// Orleans' activity sources: <c>Application</c> spans every grain call made by application code,
    /// <c>Runtime</c> the runtime's own calls; storage and lifecycle spans show where a slow login spent its time.
    /// </summary>
    public static readonly string[] OrleansActivitySources =
        ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Storage", "Microsoft.Orleans.Lifecycle"];

    /// <summary>Sources of Ers' own spans (the agent's HTTP calls carry theirs through HttpClient).</summary>
    public const string ErsActivitySource = "Ers";

    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Records traces even without OTLP (for another exporter, e.g. tests'); default: on with OTLP.</summary>
    public const string TracingKey = "Ers:Telemetry:Tracing";

    /// <summary>The standard service-name setting wins (Kubernetes sets ers-web / ers-silo); else the assembly name.</summary>
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    public static IHostApplicationBuilder AddErsTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration[ServiceNameKey] is { Length: > 0 } name ? name : builder.Environment.ApplicationName));

        // Spans are recorded only when they go somewhere: listening to every grain call costs CPU on the login path.
        if (builder.Configuration.GetValue(TracingKey, otlp))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperationsEndpoint(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(OrleansActivitySources)
                .AddSource(ErsActivitySource));
        }

        telemetry.WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OrleansMeter, ErsMeter)
                .AddPrometheusExporter());

        if (otlp)
        {
            // Endpoint, protocol and headers come from the standard OTEL_EXPORTER_OTLP_* settings.
            telemetry.UseOtlpExporter();
        }

        // The scrape endpoint is added by a startup filter so each host's Program.cs needs only this one call; the
        // operations-port gate is registered first so it runs before the scrape endpoint.
        _ = OperationsPort.From(builder.Configuration);
        builder.Services.AddSingleton<IStartupFilter, OperationsPort.StartupFilter>();
        builder.Services.AddSingleton<IStartupFilter, PrometheusEndpointStartupFilter>();
        return builder;
    }

    /// <summary>Probes and scrapes are not traced: they would drown the traces operators look for.</summary>
    private static bool IsOperationsEndpoint(PathString path) => OperationsPort.IsOperationsPath(path);

    private sealed class PrometheusEndpointStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(MetricsPath);
            next(app);
        };
    }
}
