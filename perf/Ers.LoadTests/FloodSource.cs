using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ers.Api;
using Ers.Tools.Pki;

namespace Ers.LoadTests;

/// <summary>
/// <c>ers-load flood-source</c>: the flood of a flood run, in a process of its own so that its requests do not queue
/// in the thread pool of the generator that times the logins. Its connections send <c>cards/inserted</c> with no
/// client certificate and/or a self-signed one, one request in flight on each, from their own source address, until
/// standard input ends. Each line <c>mark</c> read from standard input is answered with <c>mark K COUNT</c> (requests
/// answered so far); at the end it prints <c>answers JSON</c> (requests by kind, status and problem code).
/// </summary>
public sealed class FloodSource(FloodSettings settings)
{
    private static readonly byte[] Body = """{"cardId":"00000000-0000-0000-0000-000000000000","certificate":"AA=="}"""u8.ToArray();

    private readonly ConcurrentDictionary<string, long> _answers = new(StringComparer.Ordinal);
    private long _requests;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var pki = DevPki.Open(settings.PkiDirectory, TimeProvider.System);
        using var untrusted = SelfSignedWorkstation();
        var source = IPAddress.Parse(settings.FloodSource);
        var perKind = Math.Max(1, settings.FloodConcurrency / settings.FloodKinds.Count);
        var clients = settings.FloodKinds
            .Select(kind => (Kind: kind, Client: Create(settings.AgentApi, source, perKind, pki.ServerCa.Certificate,
                kind == FloodSettings.UntrustedCertificate ? untrusted : null)))
            .ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Task.WhenAll(clients.SelectMany(c => Enumerable.Range(0, perKind).Select(_ => FloodAsync(c.Kind, c.Client, stop.Token))));
        Console.WriteLine($"flooding {settings.AgentApi} from {source} with {perKind * clients.Count} requests in flight ({string.Join(", ", settings.FloodKinds)})");
        var marks = 0;
        while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Trim() == "mark")
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mark {++marks} {Interlocked.Read(ref _requests)}"));
            }
        }

        await stop.CancelAsync();
        await workers;
        foreach (var (_, client) in clients)
        {
            client.Dispose();
        }

        Console.WriteLine("answers " + JsonSerializer.Serialize(_answers.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal)));
        return 0;
    }

    private async Task FloodAsync(string kind, HttpClient client, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            string answer;
            try
            {
                using var content = new ByteArrayContent(Body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(AgentApiRoutes.CardInserted, content, cancellationToken);
                answer = $"{kind} {(int)response.StatusCode} {await Journey.CodeOfAsync(response, "flood", cancellationToken)}";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                answer = $"{kind} client.{(e is HttpRequestException h ? h.HttpRequestError.ToString() : e.GetType().Name)}";
            }

            _answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
            Interlocked.Increment(ref _requests);
        }
    }

    /// <summary>A workstation certificate no configured CA issued (self-signed, clientAuth): Kestrel takes it, Ers refuses it.</summary>
    private static X509Certificate2 SelfSignedWorkstation()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=flood-untrusted", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CertificateAuthority.ClientAuthOid)], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Keep-alive connections from <paramref name="source"/>, the server checked against the development server CA.</summary>
    private static HttpClient Create(Uri agentApi, IPAddress source, int connections, X509Certificate2 serverTrust, X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = connections,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = certificate is null ? null : [certificate],
                LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { serverTrust },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = agentApi, Timeout = TimeSpan.FromSeconds(30) };
    }
}
