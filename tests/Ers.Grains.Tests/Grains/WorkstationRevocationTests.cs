using Ers.Audit;
using Ers.Revocation;
using Ers.Sessions;
using Ers.Workstations;

namespace Ers.Grains.Tests.Grains;

/// <summary>
/// Issue 13, defect 6: a CRL that revokes a workstation's client certificate ends that workstation's live sessions on
/// the silo side, at once, as a revoked card's do (not only at the agent's next request, which the web node refuses).
/// The certificate grain learns the workstation at each login (the web node's one-way bind).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkstationRevocationTests(ClusterFixture fx)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private IClusterClient Client => fx.Client;

    private static string NewCertificate() => $"{new string('C', 64)}/{Ids.NewDigits(16)}";

    private async Task<Journey> AtAsync(string workstationId) =>
        new(Client, await fx.NewUserAsync(Ids.Profile("E82665", "B1101"))) { WorkstationId = workstationId };

    /// <summary>What the web node does after a login: a one-way bind, waited on here until the workstation holds it.</summary>
    private async Task BindAsync(string certificate, string workstationId, string sessionId)
    {
        await Client.GetGrain<ICertificateGrain>(certificate).BindWorkstationAsync(workstationId, sessionId);
        await Eventually.TrueAsync(async () => (await Client.GetGrain<IWorkstationGrain>(workstationId).GetAsync()).Certificate == certificate,
            "the workstation to know its certificate", Wait);
    }

    [Fact]
    public async Task Revoking_a_workstations_certificate_ends_every_live_session_there_once_and_no_other()
    {
        var workstation = Ids.NewWorkstation();
        var certificate = NewCertificate();
        var first = await AtAsync(workstation);
        var second = await AtAsync(workstation);
        var elsewhere = await AtAsync(Ids.NewWorkstation());
        var one = await first.LoginOkAsync();
        var two = await second.LoginOkAsync();
        var other = await elsewhere.LoginOkAsync();
        await BindAsync(certificate, workstation, two);
        await BindAsync(NewCertificate(), elsewhere.WorkstationId, other);
        // The sessions' own start notices are one-way too: the revocation finds the sessions the workstation holds.
        await Eventually.TrueAsync(async () => (await Client.GetGrain<IWorkstationGrain>(workstation).GetAsync()).SessionIds.Count == 2,
            "the workstation to hold both sessions", Wait);

        await Client.GetGrain<ICertificateGrain>(certificate).RevokeAsync();
        await Client.GetGrain<ICertificateGrain>(certificate).RevokeAsync(); // a CRL read again revokes nothing twice

        foreach (var (journey, sessionId) in new[] { (first, one), (second, two) })
        {
            var ended = (await journey.Session(sessionId).GetAsync())!;
            Assert.Equal((SessionState.Ended, SessionEndReason.WorkstationRevoked), (ended.State, ended.EndReason));
            var records = await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId));
            Assert.Single(records, r => r is { Event: AuditEvent.SessionEnded, Reason: "workstation-revoked" });
        }

        Assert.Equal(SessionState.Active, (await elsewhere.Session(other).GetAsync())!.State);
        await Eventually.TrueAsync(async () => (await Client.GetGrain<IWorkstationGrain>(workstation).GetAsync()).SessionIds.Count == 0,
            "the workstation to forget its ended sessions", Wait);
    }

    [Fact]
    public async Task A_certificate_the_workstation_was_renewed_from_ends_nothing_when_revoked()
    {
        var workstation = Ids.NewWorkstation();
        var old = NewCertificate();
        var renewed = NewCertificate();
        var journey = await AtAsync(workstation);
        var sessionId = await journey.LoginOkAsync();
        await BindAsync(old, workstation, sessionId);
        var next = await (await AtAsync(workstation)).LoginOkAsync();
        await BindAsync(renewed, workstation, next); // the next login presented the renewed certificate

        await Client.GetGrain<ICertificateGrain>(old).RevokeAsync();

        Assert.Equal(SessionState.Active, (await journey.Session(sessionId).GetAsync())!.State);
        Assert.Equal(SessionState.Active, (await journey.Session(next).GetAsync())!.State);
    }

    [Fact]
    public async Task A_login_bound_after_its_workstation_certificate_was_revoked_is_ended_at_the_bind()
    {
        // A node that had not yet applied the CRL served the login: the bind that follows it ends what it started.
        var workstation = Ids.NewWorkstation();
        var certificate = NewCertificate();
        await Client.GetGrain<ICertificateGrain>(certificate).RevokeAsync();
        var journey = await AtAsync(workstation);
        var sessionId = await journey.LoginOkAsync();

        await Client.GetGrain<ICertificateGrain>(certificate).BindWorkstationAsync(workstation, sessionId);

        await Eventually.TrueAsync(async () => (await journey.Session(sessionId).GetAsync())!.State == SessionState.Ended,
            "the session to end at the bind", Wait);
        Assert.Equal(SessionEndReason.WorkstationRevoked, (await journey.Session(sessionId).GetAsync())!.EndReason);
    }
}
