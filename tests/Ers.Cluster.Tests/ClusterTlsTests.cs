using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Ers.Testing.Silos;
using Ers.Tools.Pki;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Cluster.Tests;

/// <summary>
/// Orleans traffic under mutual TLS (issue 13, defect 10): two real silos and their clients on <c>Ers:Cluster:Tls</c>
/// with the development cluster certificate. Members log in through the cluster; a client without TLS, or with a
/// certificate of another CA, never gets connected; the gateway port speaks TLS and asks for a certificate.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ers-cluster-tls-").FullName;

    [Fact]
    public async Task Members_with_the_cluster_certificate_form_a_cluster_and_log_in_and_strangers_are_never_connected()
    {
        var member = ClusterPki("member");
        var stranger = ClusterPki("stranger");
        await using var cluster = await ErsCluster.StartAsync(silos: 2, member);

        var client = await cluster.ConnectClientAsync(retryWindow: null, settings: member);
        var login = await LoginDriver.SetUpLoginAsync(client, Stopwatch.StartNew());
        Assert.True(login.Succeeded, $"login refused ({login.RefusalCode}) or failed: {login.Error}");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            cluster.ConnectClientAsync(retryWindow: null, startTimeout: TimeSpan.FromSeconds(8)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            cluster.ConnectClientAsync(retryWindow: null, settings: stranger, startTimeout: TimeSpan.FromSeconds(8)));

        // On the wire: the gateway answers a TLS handshake with a certificate of the cluster's CA and accepts the
        // member's; one without a client certificate does not get through.
        var port = cluster.Silos[0].GatewayPort;
        var ca = X509CertificateLoader.LoadCertificateFromFile(member["Ers:Cluster:Tls:CaPath"]);
        using var memberCertificate = X509Certificate2.CreateFromPemFile(member["Ers:Cluster:Tls:CertificatePath"], member["Ers:Cluster:Tls:KeyPath"]);
        var seen = await HandshakeAsync(port, memberCertificate);
        Assert.NotNull(seen);
        Assert.Equal(ca.Subject, seen!.Issuer);
        Assert.Null(await HandshakeAsync(port, clientCertificate: null));
    }

    [Fact]
    public void Only_a_certificate_of_the_cluster_ca_with_both_usages_and_valid_now_is_a_member()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var pki = DevPki.Init(Path.Combine(_directory, "rules"), time);
        var member = pki.IssueClusterMember(validDays: 30);
        var other = DevPki.Init(Path.Combine(_directory, "other"), time).IssueClusterMember();
        var workstation = pki.IssueWorkstation("WS-TLS-1");
        var tls = new ClusterTls(X509Certificate2.CreateFromPemFile(
                DevPki.CertificatePath(pki.Directory, DevPki.ClusterMemberName), DevPki.KeyPath(pki.Directory, DevPki.ClusterMemberName)),
            X509CertificateLoader.LoadCertificateFromFile(DevPki.CertificatePath(pki.Directory, DevPki.ClusterCaName)), time);

        Assert.True(tls.IsTrusted(member));
        Assert.False(tls.IsTrusted(other));
        Assert.False(tls.IsTrusted(workstation));
        time.Advance(TimeSpan.FromDays(31));
        Assert.False(tls.IsTrusted(member));
    }

    [Fact]
    public void Half_a_tls_configuration_stops_start_up_naming_what_is_missing()
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ers:Cluster:Tls:CertificatePath"] = "/nonexistent.pem" })
            .Build();

        var e = Assert.Throws<Ers.ServiceDefaults.ErsConfigurationException>(() => _ = ClusterTls.From(settings));

        Assert.Contains("Ers:Cluster:Tls:KeyPath", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A development PKI of its own (own cluster CA) and the three settings that point at it.</summary>
    private Dictionary<string, string> ClusterPki(string name)
    {
        var directory = Path.Combine(_directory, name);
        DevPki.Init(directory, TimeProvider.System).IssueClusterMember();
        return new Dictionary<string, string>
        {
            ["Ers:Cluster:Tls:CertificatePath"] = DevPki.CertificatePath(directory, DevPki.ClusterMemberName),
            ["Ers:Cluster:Tls:KeyPath"] = DevPki.KeyPath(directory, DevPki.ClusterMemberName),
            ["Ers:Cluster:Tls:CaPath"] = DevPki.CertificatePath(directory, DevPki.ClusterCaName),
        };
    }

    /// <summary>The gateway's certificate after a completed handshake, or null when the handshake did not complete.</summary>
    private static async Task<X509Certificate2?> HandshakeAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "ers-cluster-member",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            }, timeout.Token);
            // TLS 1.3 reports a refused client certificate only on the first read after the handshake.
            var buffer = new byte[1];
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                if (await tls.ReadAsync(buffer, read.Token) == 0 && clientCertificate is null)
                {
                    return null;
                }
            }
            catch (OperationCanceledException)
            {
                // Nothing to read yet: the connection is still open, so the handshake was accepted.
            }

            return tls.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return null;
        }
    }
}
