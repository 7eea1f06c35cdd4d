using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ers.Testing.Hosts;

/// <summary>
/// An HTTPS client of the agents' API as a workstation holds it: it presents <c>clientCertificate</c> (or none)
/// and trusts only <c>serverRoot</c> for the server's certificate (no system roots, no revocation check).
/// </summary>
public static class AgentHttpClient
{
    public static HttpClient Create(Uri baseAddress, X509Certificate2? clientCertificate, X509Certificate2 serverRoot)
    {
        var handler = Handler(serverRoot);
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    /// <summary>
    /// A client presenting <paramref name="clientCertificate"/> with exactly <paramref name="sent"/> as its chain in the
    /// handshake, built offline as the agent does (src/Ers.Agent/Api/HttpAgentApi.cs): the client itself fetches nothing
    /// its certificate names, so a test can count what the server fetches.
    /// </summary>
    public static HttpClient Create(Uri baseAddress, X509Certificate2 clientCertificate, X509Certificate2Collection sent, X509Certificate2 serverRoot)
    {
        var handler = Handler(serverRoot);
        handler.SslOptions.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, sent, offline: true);
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    private static SocketsHttpHandler Handler(X509Certificate2 serverRoot) => new()
    {
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(serverRoot);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.DisableCertificateDownloads = true;
                return presented is X509Certificate2 server && chain.Build(server);
            },
        },
    };
}
