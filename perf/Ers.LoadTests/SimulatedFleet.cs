using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Tools.Pki;

namespace Ers.LoadTests;

/// <summary>
/// Issues the simulated cards and workstations from the development PKI that Ers trusts (<c>ers pki dev</c>'s
/// directory), with the same <see cref="CertificateAuthority"/> code the <c>ers pki</c> commands use; nothing is written
/// to disk.
/// </summary>
public static class SimulatedFleet
{
    /// <summary>
    /// A card per user (P-256, the cheaper verify of the two card algorithms Ers accepts). Issued in parallel: each costs
    /// one key generation and one RSA-2048 signature by the issuing CA.
    /// </summary>
    public static SimulatedCard[] IssueCards(DevPki pki, IReadOnlyList<string> userIds)
    {
        var cards = new SimulatedCard[userIds.Count];
        var now = DateTimeOffset.UtcNow;
        Parallel.For(0, userIds.Count, i =>
        {
            var cardId = Guid.NewGuid();
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var certificate = pki.SmartcardIssuing.Issue(
                CertificateAuthority.CardSubject($"Load User {i}", userIds[i]),
                key,
                now.AddMinutes(-5),
                now.AddDays(30),
                X509KeyUsageFlags.DigitalSignature,
                [CertificateAuthority.ClientAuthOid, CertificateAuthority.SmartCardLogonOid],
                CertificateAuthority.CardSubjectAlternativeName(cardId));
            cards[i] = new SimulatedCard(cardId.ToString("D"), userIds[i], certificate.RawData, key);
        });
        return cards;
    }

    /// <summary>
    /// A workstation client certificate each, and a client per workstation over one <see cref="SocketsHttpHandler"/>
    /// (mutual TLS: the handler presents that workstation's certificate; Ers's server certificate must chain to the
    /// development server CA, as the real agent checks it).
    /// </summary>
    public static SimulatedWorkstation[] CreateWorkstations(DevPki pki, int count, Uri agentApi, int maxConnectionsPerWorkstation)
    {
        var workstations = new SimulatedWorkstation[count];
        var now = DateTimeOffset.UtcNow;
        var serverTrust = pki.ServerCa.Certificate;
        for (var i = 0; i < count; i++)
        {
            var id = $"WS-LOAD-{i:D5}";
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var issued = pki.WorkstationCa.Issue(
                new X500DistinguishedName($"CN={id}, O=Ers Workstations"), key, now.AddMinutes(-5), now.AddDays(30),
                X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ClientAuthOid]);
            // A PKCS#12 round trip gives the certificate a key SslStream can always use as a client credential.
            var certificate = X509CertificateLoader.LoadPkcs12(issued.Export(X509ContentType.Pkcs12), null);
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = maxConnectionsPerWorkstation,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = [certificate],
                    LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
                    CertificateChainPolicy = new X509ChainPolicy
                    {
                        TrustMode = X509ChainTrustMode.CustomRootTrust,
                        CustomTrustStore = { serverTrust },
                        RevocationMode = X509RevocationMode.NoCheck,
                    },
                },
            };
            workstations[i] = new SimulatedWorkstation(id, new HttpClient(handler) { BaseAddress = agentApi, Timeout = TimeSpan.FromSeconds(30) });
        }

        return workstations;
    }

    /// <summary>
    /// A pooled client for page views, as a browser: no client certificate, the server's certificate checked against
    /// <paramref name="serverTrust"/>. Cookies are sent by hand, so one pool serves every session.
    /// </summary>
    public static HttpClient CreatePageClient(Uri baseAddress, int maxConnections, X509Certificate2 serverTrust) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        MaxConnectionsPerServer = maxConnections,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        SslOptions = new SslClientAuthenticationOptions
        {
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { serverTrust },
                RevocationMode = X509RevocationMode.NoCheck,
            },
        },
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
}
