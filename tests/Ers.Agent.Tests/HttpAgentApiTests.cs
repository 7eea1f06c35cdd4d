using System.Security.Cryptography.X509Certificates;
using Ers.Agent.Api;
using Ers.Api;

namespace Ers.Agent.Tests;

public sealed class HttpAgentApiTests
{
    [Fact]
    public async Task Server_not_signed_by_the_configured_ca_is_refused()
    {
        var pki = new TestPki();
        var other = new TestPki("Some Other CA");
        await using var ers = await FakeErs.StartAsync(pki);
        using var api = new HttpAgentApi(ers.BaseAddress, pki.Workstation, [other.Ca]);
        var ex = await Assert.ThrowsAsync<AgentApiException>(() => api.HeartbeatAsync(new HeartbeatRequest([]), default));
        Assert.Equal(AgentApiException.Unreachable, ex.Code);
        Assert.Empty(ers.Heartbeats);
    }

    [Fact]
    public async Task A_server_certificate_whose_issuer_is_missing_is_refused_and_the_url_it_names_is_never_fetched()
    {
        // Issue 13: a hostile server chooses its certificate. One whose issuer the agent lacks names where to get it
        // (AIA caIssuers); a chain builder allowed to download would fetch it from the workstation, on the server's
        // word. The agent builds every chain offline.
        await using var trap = new CountingHttpServer();
        var pki = new TestPki(serverIssuerUrl: trap.NewUrl("intermediate.crt"));
        await using var ers = await FakeErs.StartAsync(pki);
        var before = trap.Requests.Count; // the stand-in's own start may look for its chain

        using var api = new HttpAgentApi(ers.BaseAddress, pki.Workstation, [pki.Ca]);
        var ex = await Assert.ThrowsAsync<AgentApiException>(() => api.HeartbeatAsync(new HeartbeatRequest([]), default));

        Assert.Equal(AgentApiException.Unreachable, ex.Code);
        Assert.Empty(ers.Heartbeats);
        Assert.Equal(before, trap.Requests.Count);
        // The test can fail: a chain allowed to download does go to the URL for this certificate.
        using var online = new X509Chain();
        online.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        online.ChainPolicy.CustomTrustStore.Add(pki.Ca);
        online.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.False(online.Build(pki.Server));
        Assert.True(await Eventually.TryAsync(() => trap.Requests.Count > before, TimeSpan.FromSeconds(30)), "the online chain fetched nothing");
    }

    [Fact]
    public async Task Server_certificate_without_server_authentication_is_refused()
    {
        // Signed by the trusted CA for the right address, but with no EKU at all ("any purpose", which Kestrel
        // serves; one naming only clientAuth it refuses to serve, so the agent's check is for this case).
        var pki = new TestPki(serverEku: null);
        await using var ers = await FakeErs.StartAsync(pki);
        using var api = new HttpAgentApi(ers.BaseAddress, pki.Workstation, [pki.Ca]);
        var ex = await Assert.ThrowsAsync<AgentApiException>(() => api.HeartbeatAsync(new HeartbeatRequest([]), default));
        Assert.Equal(AgentApiException.Unreachable, ex.Code);
        Assert.Empty(ers.Heartbeats);
    }

    [Fact]
    public async Task Workstation_not_signed_by_the_servers_ca_is_refused()
    {
        var pki = new TestPki();
        var other = new TestPki("Rogue CA");
        await using var ers = await FakeErs.StartAsync(pki);
        using var api = new HttpAgentApi(ers.BaseAddress, other.Workstation, [pki.Ca]);
        await Assert.ThrowsAsync<AgentApiException>(() => api.HeartbeatAsync(new HeartbeatRequest([]), default));
        Assert.Empty(ers.Heartbeats);
    }

    [Fact]
    public async Task Problem_details_code_comes_back_typed()
    {
        var pki = new TestPki();
        await using var ers = await FakeErs.StartAsync(pki);
        ers.RefuseInsertionWith = ApiErrorCodes.CertificateExpired;
        using var api = new HttpAgentApi(ers.BaseAddress, pki.Workstation, [pki.Ca]);
        var ex = await Assert.ThrowsAsync<AgentApiException>(() => api.CardInsertedAsync(new CardInsertedRequest("00", [1], LoginStatement.Protocol), default));
        Assert.Equal((403, ApiErrorCodes.CertificateExpired), (ex.Status, ex.Code));
    }
}
