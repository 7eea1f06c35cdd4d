using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Ers.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Ers.Observability.Tests;

/// <summary>OTLP is switched on by OTEL_EXPORTER_OTLP_ENDPOINT alone, and then carries traces, metrics and logs.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Without_an_otlp_endpoint_no_spans_are_recorded()
    {
        await using var host = new ErsWebHost();
        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task With_an_otlp_endpoint_traces_metrics_and_logs_are_sent_there()
    {
        // The receiving end records which OTLP/HTTP signal paths were posted to it, with a protobuf body.
        var received = new ConcurrentDictionary<string, int>();
        var receiver = WebApplication.CreateSlimBuilder();
        receiver.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var collector = receiver.Build();
        collector.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (request.ContentType == "application/x-protobuf" && body.Length > 0)
            {
                received.AddOrUpdate(signal, 1, (_, n) => n + 1);
            }

            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        await using var host = new ErsWebHost(settings: new Dictionary<string, string>
        {
            [ErsTelemetry.OtlpEndpointKey] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export soon rather than on the default 5 s / 60 s schedules.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        });
        Assert.NotNull(host.Services.GetService<TracerProvider>());
        using var http = new HttpClient { BaseAddress = host.Address };
        var user = await new LoadDriver(host).NewUserAsync("Dr Otlp Test", ["B1101"]);
        using var response = await http.PostAsJsonAsync(ErsWebHost.LoginPath.TrimStart('/'),
            new ErsWebHost.LoginRequest(user.UserId, $"card-{Guid.NewGuid():N}", $"WS-{Guid.NewGuid():N}"[..16]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await Eventually.TrueAsync(() => Task.FromResult(new[] { "traces", "metrics", "logs" }.All(received.ContainsKey)),
            $"OTLP traces, metrics and logs at {endpoint} (received: {string.Join(", ", received.Keys)})");
        await collector.StopAsync();
    }
}
