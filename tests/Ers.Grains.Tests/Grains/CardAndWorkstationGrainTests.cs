using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Silos;

namespace Ers.Grains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class CardAndWorkstationGrainTests(ClusterFixture fx)
{
    private IClusterClient Client => fx.Client;

    private async Task<Journey> ReferrerAsync() => new(Client, await fx.NewUserAsync(Ids.Profile("E82665", "B1101")));

    [Fact]
    public async Task Removing_the_card_ends_its_session_at_once()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();

        await journey.Card.RemovedAsync(journey.WorkstationId);

        var session = await journey.Session(sessionId).GetAsync();
        Assert.Equal(SessionState.Ended, session!.State);
        Assert.Equal(SessionEndReason.CardRemoved, session.EndReason);
        Assert.Equal(CardState.Absent, (await journey.Card.GetAsync()).State);
        var audit = await fx.Audit.QueryAsync(new AuditQuery(CardId: journey.CardId));
        Assert.Contains(audit, a => a.Event == AuditEvent.CardRemoved);
        Assert.Contains(audit, a => a.Event == AuditEvent.SessionEnded && a.Reason == "card-removed");
    }

    [Fact]
    public async Task A_removal_reported_by_another_workstation_changes_nothing()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();

        await journey.Card.RemovedAsync(Ids.NewWorkstation());

        Assert.Equal(SessionState.Active, (await journey.Session(sessionId).GetAsync())!.State);
        Assert.Equal(CardState.Authenticated, (await journey.Card.GetAsync()).State);
    }

    [Fact]
    public async Task A_card_carries_one_live_session_a_new_login_supersedes_the_old()
    {
        var journey = await ReferrerAsync();
        var first = await journey.LoginOkAsync();
        var second = await journey.LoginOkAsync();

        Assert.Equal(SessionState.Ended, (await journey.Session(first).GetAsync())!.State);
        Assert.Equal(SessionState.Active, (await journey.Session(second).GetAsync())!.State);
        Assert.Equal(second, (await journey.Card.GetAsync()).SessionId);
        await Eventually.TrueAsync(async () =>
            (await Client.GetGrain<IUserGrain>(journey.User.UserId).GetLiveSessionsAsync()).Select(s => s.SessionId).SequenceEqual([second]));
    }

    [Fact]
    public async Task Terminate_oldest_ends_the_users_session_on_another_card()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"));
        var first = new Journey(Client, user);
        var second = new Journey(Client, user);
        var firstSession = await first.LoginOkAsync();

        var secondSession = await second.LoginOkAsync();

        var old = await first.Session(firstSession).GetAsync();
        Assert.Equal(SessionEndReason.Superseded, old!.EndReason);
        Assert.Equal(SessionState.Active, (await second.Session(secondSession).GetAsync())!.State);
    }

    [Fact]
    public async Task A_card_proves_itself_only_at_the_workstation_it_was_presented_at_and_while_it_is_there()
    {
        var journey = await ReferrerAsync();
        using var key = CardLogins.NewKey();
        var challenge = (await journey.Card.PresentAsync(journey.WorkstationId, journey.User.UserId, key)).Value!.Challenge;

        var elsewhere = await journey.Card.AnswerAsync(Ids.NewWorkstation(), challenge, key);

        Assert.Equal(RefusalCodes.ChallengeOtherWorkstation, elsewhere.Refusal!.Code);
        Assert.Equal((CardState.Inserted, journey.WorkstationId, null), await HolderAsync(journey));

        // Taken out before the card's answer arrived: the answer starts nothing.
        Assert.True((await journey.Card.RemovedAsync(journey.WorkstationId)).IsSuccess);
        var removed = await journey.Card.AnswerAsync(journey.WorkstationId, challenge, key);

        Assert.Equal(RefusalCodes.CardNotInserted, removed.Refusal!.Code);
        Assert.Equal((CardState.Absent, null, null), await HolderAsync(journey));
        var refusals = (await fx.Audit.QueryAsync(new AuditQuery(CardId: journey.CardId))).Where(a => a.Event == AuditEvent.Refused).Select(a => a.Reason);
        Assert.Equal([RefusalCodes.ChallengeOtherWorkstation, RefusalCodes.CardNotInserted], refusals);
    }

    private static async Task<(CardState, string?, string?)> HolderAsync(Journey journey)
    {
        var card = await journey.Card.GetAsync();
        return (card.State, card.WorkstationId, card.SessionId);
    }

    [Fact]
    public async Task A_revoked_card_loses_its_session_and_cannot_log_in_again()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();

        await journey.Card.RevokeAsync();

        Assert.Equal(SessionEndReason.Revoked, (await journey.Session(sessionId).GetAsync())!.EndReason);
        var again = await journey.Card.InsertedAsync(journey.WorkstationId);
        Assert.Equal(RefusalCodes.CardRevoked, again.Refusal!.Code);
        Assert.Equal(CardState.Revoked, (await journey.Card.GetAsync()).State);
    }

    [Fact]
    public async Task A_blocked_card_cannot_authenticate_until_it_is_inserted_again()
    {
        var journey = await ReferrerAsync();
        using var key = CardLogins.NewKey();
        var challenge = (await journey.Card.PresentAsync(journey.WorkstationId, journey.User.UserId, key)).Value!.Challenge;

        await journey.Card.BlockedAsync(journey.WorkstationId);
        var refused = await journey.Card.AnswerAsync(journey.WorkstationId, challenge, key);

        Assert.Equal(RefusalCodes.CardBlocked, refused.Refusal!.Code);
        Assert.True((await journey.LoginAsync()).Outcome.IsSuccess); // an RA unblocked it: the card proves itself again
    }

    [Fact]
    public async Task Reinserting_a_card_never_revives_its_old_session()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();

        await journey.Card.InsertedAsync(journey.WorkstationId);

        Assert.Equal(SessionState.Ended, (await journey.Session(sessionId).GetAsync())!.State);
        Assert.Null((await journey.Card.GetAsync()).SessionId);
    }

    [Fact]
    public async Task Heartbeats_sent_to_the_session_keep_it_and_their_absence_ends_it_and_marks_the_agent_lost()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();
        var session = journey.Session(sessionId);

        fx.Clock.Advance(TimeSpan.FromSeconds(25));
        await session.HeartbeatAsync();
        Assert.Equal(fx.Clock.GetUtcNow(), (await session.GetAsync())!.LastHeartbeatAt);
        fx.Clock.Advance(TimeSpan.FromSeconds(25));
        Assert.False(await session.CheckHeartbeatAsync()); // 50 s since login, 25 s since the heartbeat

        fx.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await session.CheckHeartbeatAsync());

        var ended = (await session.GetAsync())!;
        Assert.Equal(SessionEndReason.AgentLost, ended.EndReason);
        Assert.Null(ended.LastHeartbeatAt);
        Assert.False(await session.CheckHeartbeatAsync()); // once
        await Eventually.TrueAsync(async () => (await journey.Workstation.GetAsync()) is { AgentLost: true, SessionIds.Count: 0 });
        var lost = await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId));
        Assert.Single(lost, r => r.Reason == "workstation.agent-lost");
    }

    [Fact]
    public async Task A_session_a_sweeper_wakes_at_its_resting_heartbeat_deadline_ends_then_unless_its_agent_is_heard()
    {
        var gone = await ReferrerAsync();
        var goneSession = gone.Session(await gone.LoginOkAsync());
        var alive = await ReferrerAsync();
        var aliveSession = alive.Session(await alive.LoginOkAsync());
        await goneSession.HeartbeatAsync();
        await aliveSession.HeartbeatAsync();
        var due = fx.Clock.GetUtcNow() + TimeSpan.FromSeconds(30); // what each rests with: heartbeat + timeout
        await RestAsync(goneSession);
        await RestAsync(aliveSession);

        fx.Clock.Advance(TimeSpan.FromSeconds(31));
        await aliveSession.HeartbeatAsync(); // wakes it: the agent is heard in this activation
        // Before, the wake was a plain activation, which granted a fresh 30 s: the gone agent's session ended late.
        Assert.False(await goneSession.WakeAtDeadlineAsync(due));
        Assert.True(await aliveSession.WakeAtDeadlineAsync(due));

        Assert.Equal(SessionEndReason.AgentLost, (await goneSession.GetAsync())!.EndReason);
        Assert.True((await aliveSession.GetAsync())!.IsLive);
    }

    /// <summary>The session leaves memory, as when its silo idles it out or stops; answers once it is gone.</summary>
    private async Task RestAsync(ISessionGrain session)
    {
        var id = session.GetGrainId();
        await session.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        var management = Client.GetGrain<IManagementGrain>(0);
        await Eventually.TrueAsync(async () => !(await management.GetActiveGrains(id.Type)).Contains(id));
    }

    [Fact]
    public async Task A_cluster_change_counts_as_a_heartbeat_so_an_agent_is_not_blamed_for_our_outage()
    {
        var journey = await ReferrerAsync();
        var session = journey.Session(await journey.LoginOkAsync());

        fx.Clock.Advance(TimeSpan.FromSeconds(25));
        fx.ClusterChanges.Changed(); // e.g. a silo declared dead: heartbeats may have been lost on the way
        fx.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await session.CheckHeartbeatAsync()); // 35 s since the last heartbeat, 10 s since the change

        fx.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await session.CheckHeartbeatAsync()); // 30 s since the change
    }

    [Fact]
    public async Task An_agent_that_stops_sending_heartbeats_loses_its_sessions()
    {
        var journey = await ReferrerAsync();
        var sessionId = await journey.LoginOkAsync();
        await Eventually.TrueAsync(async () => (await journey.Workstation.GetAsync()).SessionIds.Contains(sessionId));

        fx.Clock.Advance(TimeSpan.FromSeconds(20));
        await journey.Workstation.HeartbeatAsync();
        fx.Clock.Advance(TimeSpan.FromSeconds(20));
        await journey.Workstation.CheckHeartbeatAsync();
        Assert.Equal(SessionState.Active, (await journey.Session(sessionId).GetAsync())!.State);

        fx.Clock.Advance(TimeSpan.FromSeconds(11));
        await journey.Workstation.CheckHeartbeatAsync();

        Assert.Equal(SessionEndReason.AgentLost, (await journey.Session(sessionId).GetAsync())!.EndReason);
        Assert.True((await journey.Workstation.GetAsync()).AgentLost);
        await Eventually.TrueAsync(async () => (await journey.Workstation.GetAsync()).SessionIds.Count == 0);
    }

    [Fact]
    public async Task A_directory_import_replaces_a_users_profiles_in_one_step()
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"), Ids.Profile("RYY", "B1110"));
        var replacement = user with { Name = "Dr Renamed", RoleProfiles = [Ids.Profile("RJ1", "B1115")] };

        await Client.GetGrain<IUserGrain>(user.UserId).ImportAsync(replacement);

        var stored = await Client.GetGrain<IUserGrain>(user.UserId).GetProfileAsync();
        Assert.Equal("Dr Renamed", stored!.Name);
        Assert.Equal(replacement.RoleProfiles, stored.RoleProfiles);
    }
}
