using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ers.Agent.Hosting;

/// <summary>
/// The agent's traces: a <c>card login</c> span around each login and the HttpClient spans of its API calls, sent
/// by OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (protocol, headers and the rest come from the standard
/// <c>OTEL_*</c> settings). HttpClient propagates <c>traceparent</c> whenever a span is current, so the server's
/// spans join the agent's trace.
/// </summary>
public static class AgentTelemetry
{
    public const string SourceName = "Ers.Agent";

    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceName = "ers-agent";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts tracing when <paramref name="otlpEndpoint"/> is set; null (nothing recorded) otherwise.</summary>
    public static TracerProvider? Start(string? otlpEndpoint) =>
        string.IsNullOrWhiteSpace(otlpEndpoint)
            ? null
            : Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(resource => resource.AddService(ServiceName))
                .AddSource(SourceName)
                .AddHttpClientInstrumentation()
                .AddOtlpExporter()
                .Build();
}
