using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Testing.Silos;

namespace Ers.Grains.Tests.Grains;

/// <summary>
/// Issue 13, defects 1 and 2: only the workstation holding a card may report it removed or blocked, and a card
/// reported at another workstation moves there only once it signs there (the takeover happens at authentication).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CardHolderTests(ClusterFixture fx)
{
    private IClusterClient Client => fx.Client;

    private async Task<Journey> ReferrerAsync() => new(Client, await fx.NewUserAsync(Ids.Profile("E82665", "B1101")));

    [Fact]
    public async Task A_block_reported_by_a_workstation_that_does_not_hold_the_card_is_refused_and_changes_nothing()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();
        var before = await journey.Card.GetAsync();
        var other = Ids.NewWorkstation();

        var refused = await journey.Card.BlockedAsync(other);

        Assert.Equal(RefusalCodes.CardInOtherWorkstation, refused.Refusal?.Code);
        Assert.Equal(before, await journey.Card.GetAsync());
        Assert.Equal(SessionState.Active, (await journey.Session(sessionId).GetAsync())!.State);
        var audit = await fx.Audit.QueryAsync(new AuditQuery(CardId: journey.CardId, WorkstationId: other));
        var record = Assert.Single(audit);
        Assert.Equal((AuditEvent.Refused, RefusalCodes.CardInOtherWorkstation), (record.Event, record.Reason));
        Assert.DoesNotContain(await fx.Audit.QueryAsync(new AuditQuery(CardId: journey.CardId)), r => r.Event == AuditEvent.CardBlocked);
    }

    [Fact]
    public async Task A_card_never_inserted_anywhere_cannot_be_marked_blocked()
    {
        var cardId = Ids.NewCard();
        var workstation = Ids.NewWorkstation();
        var card = Client.GetGrain<ICardGrain>(cardId);

        var refused = await card.BlockedAsync(workstation);

        Assert.Equal(RefusalCodes.CardNotInserted, refused.Refusal?.Code);
        var snapshot = await card.GetAsync();
        Assert.Equal((CardState.Absent, null, null), (snapshot.State, snapshot.WorkstationId, snapshot.ChangedAt));
        var record = Assert.Single(await fx.Audit.QueryAsync(new AuditQuery(CardId: cardId)));
        Assert.Equal((AuditEvent.Refused, RefusalCodes.CardNotInserted, workstation), (record.Event, record.Reason, record.WorkstationId));
    }

    [Fact]
    public async Task A_removal_reported_by_a_workstation_that_does_not_hold_the_card_is_refused_and_audited()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();
        var before = await journey.Card.GetAsync();
        var other = Ids.NewWorkstation();

        var refused = await journey.Card.RemovedAsync(other);

        Assert.Equal(RefusalCodes.CardInOtherWorkstation, refused.Refusal?.Code);
        Assert.Equal(before, await journey.Card.GetAsync());
        Assert.Equal(SessionState.Active, (await journey.Session(sessionId).GetAsync())!.State);
        var record = Assert.Single(await fx.Audit.QueryAsync(new AuditQuery(CardId: journey.CardId, WorkstationId: other)));
        Assert.Equal((AuditEvent.Refused, RefusalCodes.CardInOtherWorkstation), (record.Event, record.Reason));
    }

    [Fact]
    public async Task The_holding_workstation_may_still_report_its_card_blocked()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();

        var blocked = await journey.Card.BlockedAsync(journey.WorkstationId);

        Assert.True(blocked.IsSuccess, blocked.Refusal?.Code);
        Assert.Equal(CardState.Blocked, (await journey.Card.GetAsync()).State);
        Assert.Equal(SessionState.Ended, (await journey.Session(sessionId).GetAsync())!.State);
    }

    [Fact]
    public async Task An_insertion_reported_elsewhere_does_not_end_the_live_session()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();
        var before = await journey.Card.GetAsync();

        var inserted = await journey.Card.InsertedAsync(Ids.NewWorkstation());

        Assert.True(inserted.IsSuccess, inserted.Refusal?.Code);
        Assert.Equal(SessionState.Active, (await journey.Session(sessionId).GetAsync())!.State);
        var after = await journey.Card.GetAsync();
        Assert.Equal((before.State, before.WorkstationId, before.SessionId), (after.State, after.WorkstationId, after.SessionId));
    }

    [Fact]
    public async Task Insertions_reported_elsewhere_in_a_loop_do_not_stop_logins_at_the_holding_workstation()
    {
        var journey = await ReferrerAsync();
        var hostile = Ids.NewWorkstation();
        for (var i = 0; i < 5; i++)
        {
            using var key = CardLogins.NewKey();
            var challenge = (await journey.Card.PresentAsync(journey.WorkstationId, journey.User.UserId, key)).Value!.Challenge;
            // The hostile workstation shows the card's (public) certificate and gets a challenge of its own.
            using var hostileKey = CardLogins.NewKey();
            Assert.True((await journey.Card.PresentAsync(hostile, journey.User.UserId, hostileKey)).IsSuccess);

            var started = await journey.Card.AnswerAsync(journey.WorkstationId, challenge, key);

            Assert.True(started.IsSuccess, started.Refusal?.Code);
            Assert.Equal(SessionState.Active, (await journey.Session(started.Value!.SessionId).GetAsync())!.State);
        }
    }

    [Fact]
    public async Task A_card_proven_at_a_new_workstation_moves_there_and_only_then_ends_the_old_session()
    {
        var journey = await ReferrerAsync();
        var oldSession = await journey.LoginOkAsync();
        var next = Ids.NewWorkstation();
        using var key = CardLogins.NewKey();
        var challenge = (await journey.Card.PresentAsync(next, journey.User.UserId, key)).Value!.Challenge;
        Assert.Equal(SessionState.Active, (await journey.Session(oldSession).GetAsync())!.State);

        var started = await journey.Card.AnswerAsync(next, challenge, key);

        Assert.True(started.IsSuccess, started.Refusal?.Code);
        var newSession = started.Value!.SessionId;
        var card = await journey.Card.GetAsync();
        Assert.Equal((CardState.Authenticated, next, newSession), (card.State, card.WorkstationId, card.SessionId));
        var ended = (await journey.Session(oldSession).GetAsync())!;
        Assert.Equal(SessionState.Ended, ended.State);
        Assert.True((await journey.Card.RemovedAsync(journey.WorkstationId)).Refusal is not null); // the old place no longer holds it
    }

    [Fact]
    public async Task A_card_proven_with_a_challenge_of_another_workstation_is_refused_and_the_holders_session_stays()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();
        using var key = CardLogins.NewKey();
        var challenge = (await journey.Card.PresentAsync(Ids.NewWorkstation(), journey.User.UserId, key)).Value!.Challenge;

        var refused = await journey.Card.AnswerAsync(Ids.NewWorkstation(), challenge, key);

        Assert.Equal(RefusalCodes.ChallengeOtherWorkstation, refused.Refusal?.Code);
        Assert.Equal(SessionState.Active, (await journey.Session(sessionId).GetAsync())!.State);
    }
}
