using Ers.Audit;
using Ers.Cards;
using Ers.Grains.Cards;

namespace Ers.Grains.Tests.Grains;

/// <summary>
/// Issue 16, unblocking a card's PIN: an RA's order binds the card to the RA's workstation for a while; only that
/// workstation's report of the card's RESET RETRY COUNTER, while it holds the card, makes the card usable again, once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UnblockOrderTests(ClusterFixture fx)
{
    private const string RaUserId = "555294209120";
    private const string RaRoleProfileId = "555021935120";

    private IClusterClient Client => fx.Client;

    /// <summary>A card whose agent, at <paramref name="workstation"/>, found its PIN blocked and said so.</summary>
    private async Task<ICardGrain> BlockedCardAsync(string workstation, string? cardId = null)
    {
        var card = Client.GetGrain<ICardGrain>(cardId ?? Ids.NewCard());
        Assert.True((await card.InsertedAsync(workstation)).IsSuccess);
        Assert.True((await card.BlockedAsync(workstation)).IsSuccess);
        return card;
    }

    [Fact]
    public async Task An_ra_order_then_the_success_report_from_its_workstation_unblocks_the_card_once()
    {
        var ra = Ids.NewWorkstation();
        var card = await BlockedCardAsync(ra);
        var cardId = card.GetPrimaryKeyString();

        var authorized = await card.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, ra);

        Assert.True(authorized.IsSuccess, authorized.Refusal?.Code);
        var order = authorized.Value!;
        Assert.Equal((ra, RaUserId, fx.Clock.GetUtcNow() + UnblockRules.Lifetime), (order.WorkstationId, order.RaUserId, order.ExpiresAt));
        // The agent learns of the order from the snapshot its insertion report returns.
        Assert.Equal(order, (await card.InsertedAsync(ra)).Value!.UnblockOrder);
        Assert.True((await card.BlockedAsync(ra)).IsSuccess); // the agent reads the card blocked again

        var unblocked = await card.UnblockReportedAsync(ra, UnblockResult.Unblocked);

        Assert.True(unblocked.IsSuccess, unblocked.Refusal?.Code);
        Assert.Equal((CardState.Inserted, ra, null), (unblocked.Value!.State, unblocked.Value.WorkstationId, unblocked.Value.UnblockOrder));
        var again = await card.UnblockReportedAsync(ra, UnblockResult.Unblocked);
        Assert.Equal(RefusalCodes.UnblockNoOrder, again.Refusal?.Code);
        var records = await fx.Audit.QueryAsync(new AuditQuery(CardId: cardId));
        var authorizedRecord = Assert.Single(records, r => r.Event == AuditEvent.CardUnblockAuthorized);
        Assert.Equal((RaUserId, RaRoleProfileId, ra, AuditOutcome.Success),
            (authorizedRecord.UserId, authorizedRecord.RoleProfileId, authorizedRecord.WorkstationId, authorizedRecord.Outcome));
        var unblockedRecord = Assert.Single(records, r => r.Event == AuditEvent.CardUnblocked);
        Assert.Equal((AuditOutcome.Success, ra), (unblockedRecord.Outcome, unblockedRecord.WorkstationId));
        Assert.Contains(records, r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.UnblockNoOrder });
    }

    [Fact]
    public async Task A_report_from_a_workstation_without_an_order_is_refused_audited_and_changes_nothing()
    {
        var ra = Ids.NewWorkstation();
        var other = Ids.NewWorkstation();
        var card = await BlockedCardAsync(ra);
        await card.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, ra);
        // The other workstation reads the card too (a certificate is public) and claims to have unblocked it.
        Assert.True((await card.InsertedAsync(other)).IsSuccess);
        var before = await card.GetAsync();

        var refused = await card.UnblockReportedAsync(other, UnblockResult.Unblocked);

        Assert.Equal(RefusalCodes.UnblockOtherWorkstation, refused.Refusal?.Code);
        Assert.Equal(before, await card.GetAsync());
        var record = Assert.Single(await fx.Audit.QueryAsync(new AuditQuery(CardId: card.GetPrimaryKeyString(), WorkstationId: other)),
            r => r.Event == AuditEvent.Refused);
        Assert.Equal(RefusalCodes.UnblockOtherWorkstation, record.Reason);
    }

    [Fact]
    public async Task A_report_with_no_order_at_all_is_refused_and_the_card_stays_blocked()
    {
        var workstation = Ids.NewWorkstation();
        var card = await BlockedCardAsync(workstation);

        var refused = await card.UnblockReportedAsync(workstation, UnblockResult.Unblocked);

        Assert.Equal(RefusalCodes.UnblockNoOrder, refused.Refusal?.Code);
        Assert.Equal(CardState.Blocked, (await card.GetAsync()).State);
        Assert.Contains(await fx.Audit.QueryAsync(new AuditQuery(CardId: card.GetPrimaryKeyString())),
            r => r is { Event: AuditEvent.Refused, Reason: RefusalCodes.UnblockNoOrder });
    }

    [Fact]
    public async Task The_orders_workstation_not_holding_the_card_is_refused()
    {
        var user = Ids.NewWorkstation();
        var ra = Ids.NewWorkstation();
        var card = await BlockedCardAsync(user);
        Assert.True((await card.RemovedAsync(user)).IsSuccess);
        await card.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, ra);

        var refused = await card.UnblockReportedAsync(ra, UnblockResult.Unblocked);

        Assert.Equal(RefusalCodes.CardNotInserted, refused.Refusal?.Code);
        Assert.Equal((CardState.Blocked, null), ((await card.GetAsync()).State, (await card.GetAsync()).WorkstationId));
    }

    [Fact]
    public async Task A_card_still_held_where_it_blocked_is_unblocked_at_the_ra_workstation_that_read_it()
    {
        var user = Ids.NewWorkstation();
        var ra = Ids.NewWorkstation();
        var card = await BlockedCardAsync(user);
        await card.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, ra);
        var inserted = await card.InsertedAsync(ra); // the user's agent never reported the removal

        Assert.Equal(ra, inserted.Value!.UnblockOrder?.WorkstationId);
        var unblocked = await card.UnblockReportedAsync(ra, UnblockResult.Unblocked);

        Assert.True(unblocked.IsSuccess, unblocked.Refusal?.Code);
        Assert.Equal((CardState.Inserted, ra), (unblocked.Value!.State, unblocked.Value.WorkstationId));
    }

    [Fact]
    public async Task An_expired_order_is_refused_and_no_longer_shown()
    {
        var ra = Ids.NewWorkstation();
        var card = await BlockedCardAsync(ra);
        await card.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, ra);

        fx.Clock.Advance(UnblockRules.Lifetime);

        Assert.Null((await card.GetAsync()).UnblockOrder);
        var refused = await card.UnblockReportedAsync(ra, UnblockResult.Unblocked);
        Assert.Equal(RefusalCodes.UnblockOrderExpired, refused.Refusal?.Code);
        Assert.Equal(CardState.Blocked, (await card.GetAsync()).State);
    }

    [Fact]
    public async Task A_wrong_puk_is_audited_and_leaves_the_card_blocked_and_the_order_open()
    {
        var ra = Ids.NewWorkstation();
        var card = await BlockedCardAsync(ra);
        var order = (await card.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, ra)).Value!;

        var wrong = await card.UnblockReportedAsync(ra, UnblockResult.WrongPuk);

        Assert.True(wrong.IsSuccess, wrong.Refusal?.Code);
        Assert.Equal((CardState.Blocked, order), (wrong.Value!.State, wrong.Value.UnblockOrder));
        var record = Assert.Single(await fx.Audit.QueryAsync(new AuditQuery(CardId: card.GetPrimaryKeyString())), r => r.Event == AuditEvent.CardUnblocked);
        Assert.Equal((AuditOutcome.Failure, "card.puk-wrong"), (record.Outcome, record.Reason));
    }

    [Fact]
    public async Task An_order_for_a_card_not_blocked_or_revoked_is_refused_and_audited()
    {
        var workstation = Ids.NewWorkstation();
        var fresh = Client.GetGrain<ICardGrain>(Ids.NewCard());
        Assert.True((await fresh.InsertedAsync(workstation)).IsSuccess);
        var revoked = await BlockedCardAsync(workstation);
        await revoked.RevokeAsync();

        Assert.Equal(RefusalCodes.CardNotBlocked, (await fresh.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, workstation)).Refusal?.Code);
        Assert.Equal(RefusalCodes.CardRevoked, (await revoked.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, workstation)).Refusal?.Code);

        Assert.Null((await fresh.GetAsync()).UnblockOrder);
        var record = Assert.Single(await fx.Audit.QueryAsync(new AuditQuery(CardId: fresh.GetPrimaryKeyString())), r => r.Event == AuditEvent.Refused);
        Assert.Equal((RefusalCodes.CardNotBlocked, RaUserId, RaRoleProfileId), (record.Reason, record.UserId, record.RoleProfileId));
    }
}
