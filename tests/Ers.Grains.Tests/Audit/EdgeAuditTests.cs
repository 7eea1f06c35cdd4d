using Ers.Audit;

namespace Ers.Grains.Tests.Audit;

/// <summary>
/// The web nodes' audit channel (issue 13: one channel for every host kind, no audit credential in a web pod): what
/// an edge decides is written by the silo with the silo's id and clock; anything else an edge asks for is refused
/// and writes nothing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EdgeAuditTests(ClusterFixture fx)
{
    [Fact]
    public async Task An_edge_refusal_is_written_by_the_silo_with_its_own_time()
    {
        var workstation = Ids.NewWorkstation();
        var refusal = await fx.Client.GetGrain<IEdgeAuditGrain>(0).RecordAsync(
            new EdgeAuditEntry(AuditEvent.Refused, AuditOutcome.Failure, "challenge.invalid", WorkstationId: workstation, CardId: "card-x"));

        Assert.Null(refusal);
        var record = Assert.Single(await fx.Audit.QueryAsync(new AuditQuery(WorkstationId: workstation)));
        Assert.Equal(AuditEvent.Refused, record.Event);
        Assert.Equal("challenge.invalid", record.Reason);
        Assert.Equal("card-x", record.CardId);
        Assert.Equal(fx.Clock.GetUtcNow(), record.Time);
        Assert.NotEqual(Guid.Empty, record.Id);
    }

    [Theory]
    [InlineData(AuditEvent.SessionCreated, "ok", 10)]
    [InlineData(AuditEvent.CardRevoked, "ok", 10)]
    [InlineData(AuditEvent.Refused, "", 10)]
    [InlineData(AuditEvent.Refused, "x", 256)]
    [InlineData((AuditEvent)999, "ok", 10)]
    public async Task An_entry_no_edge_writes_is_refused_and_nothing_is_written(AuditEvent kind, string reason, int workstationLength)
    {
        var workstation = Ids.NewWorkstation().PadRight(workstationLength, 'W');
        var refusal = await fx.Client.GetGrain<IEdgeAuditGrain>(0).RecordAsync(
            new EdgeAuditEntry(kind, AuditOutcome.Success, reason, WorkstationId: workstation));

        Assert.Equal(RefusalCodes.AuditEdgeEntry, refusal?.Code);
        Assert.Empty(await fx.Audit.QueryAsync(new AuditQuery(WorkstationId: workstation)));
    }
}
