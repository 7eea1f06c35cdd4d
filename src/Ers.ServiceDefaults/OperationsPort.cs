using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Ers.ServiceDefaults;

/// <summary>
/// Keeps the operations endpoints (probes, the Prometheus scrape, the OpenAPI document) off the public port. With
/// <see cref="PortKey"/> set, a request on that local port may reach only those paths and a request on any other port
/// may reach none of them (404), so an ingress routing the public port cannot expose them and a network policy can
/// let Prometheus and the kubelet reach the operations port alone. Decided by the connection's local port, never by
/// the Host header, which the caller writes. Unset (the local run), every path is served on every port.
/// </summary>
public static class OperationsPort
{
    /// <summary>The local port the operations endpoints are served on; the host must also listen on it (<c>Urls</c>).</summary>
    public const string PortKey = "Ers:Operations:Port";

    /// <summary>Paths that are operations endpoints.</summary>
    public static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments(ErsTelemetry.MetricsPath, StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configured port, or null; a value that is not a port stops start-up.</summary>
    public static int? From(IConfiguration configuration)
    {
        var value = configuration[PortKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new ErsConfigurationException($"{PortKey} must be a TCP port (1-65535), not '{value}'.");
    }

    /// <summary>First in the pipeline, before the scrape endpoint's own middleware.</summary>
    internal sealed class StartupFilter(IConfiguration configuration) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (From(configuration) is int port)
            {
                app.Use(async (context, nextMiddleware) =>
                {
                    if ((context.Connection.LocalPort == port) != IsOperationsPath(context.Request.Path))
                    {
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return;
                    }

                    await nextMiddleware(context);
                });
            }

            next(app);
        };
    }
}
