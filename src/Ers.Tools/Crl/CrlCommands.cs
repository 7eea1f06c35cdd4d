using Ers.Tools.Commands;

namespace Ers.Tools.Crl;

/// <summary>
/// <c>ers crl refresh --silo URL</c>: asks the cluster to re-read every CRL now (<c>POST /crl/refresh</c> on a silo's
/// internal HTTP port, src/Ers.Silo/RevocationEndpoints.cs) and prints how each source read went. Every web node
/// enforces the result within its poll interval (one second by default).
/// </summary>
public static class CrlCommands
{
    private const string Usage = """
        Usage: ers crl refresh --silo URL     (URL: a silo's HTTP port, e.g. http://127.0.0.1:8080;
                                               in Kubernetes: kubectl port-forward deploy/ers-silo 8080)
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        if (args is not ["refresh", ..])
        {
            await context.Error.WriteLineAsync(Usage);
            return 2;
        }

        var options = CommandArguments.Parse([.. args.Skip(1)], "silo");
        if (!Uri.TryCreate(options.Require("silo"), UriKind.Absolute, out var silo) || silo.Scheme is not ("http" or "https"))
        {
            throw new CommandException("--silo must be an http(s) URL of a silo's HTTP port.");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            using var response = await http.PostAsync(new Uri(silo, "/crl/refresh"), content: null);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                await context.Error.WriteLineAsync($"ers crl: the silo answered {(int)response.StatusCode}: {body}");
                return 1;
            }

            await context.Out.WriteLineAsync(body);
            return body.Contains("\"lastError\":\"", StringComparison.Ordinal) ? 1 : 0;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await context.Error.WriteLineAsync($"ers crl: cannot reach {silo}: {e.Message}");
            return 1;
        }
    }
}
