using Ers.Audit;
using Ers.Sessions;

namespace Ers.Grains.Tests.Grains;

/// <summary>
/// Every session that ends has exactly one end record, whatever ended it (issue 14 item 5): after the first end, every
/// other way a session can end (the user logs out, pulls or loses the card, logs in elsewhere, idles, loses the agent)
/// finds it ended and records nothing more.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OneEndRecordTests(ClusterFixture fx)
{
    [Theory]
    [InlineData(SessionEndReason.Logout)]
    [InlineData(SessionEndReason.CardRemoved)]
    [InlineData(SessionEndReason.Revoked)]
    [InlineData(SessionEndReason.Superseded)]
    [InlineData(SessionEndReason.IdleTimeout)]
    [InlineData(SessionEndReason.AgentLost)]
    public async Task A_session_ended_one_way_has_one_end_record_whatever_tries_to_end_it_afterwards(SessionEndReason first)
    {
        var user = await fx.NewUserAsync(Ids.Profile("E82665", "B1101"));
        var journey = new Journey(fx.Client, user);
        var sessionId = await journey.LoginOkAsync();
        var session = journey.Session(sessionId);

        await EndAsync(first, journey, session);

        Assert.Equal(first, (await session.GetAsync())!.EndReason);
        foreach (var other in Enum.GetValues<SessionEndReason>().Where(r => r is not SessionEndReason.ServerStopped and not SessionEndReason.AbsoluteTimeout))
        {
            await EndAsync(other, journey, session);
        }

        var ends = (await fx.Audit.QueryAsync(new AuditQuery(SessionId: sessionId))).Where(a => a.Event == AuditEvent.SessionEnded).ToList();
        Assert.Equal(SessionEndReasons.Code(first), Assert.Single(ends).Reason);
        Assert.Equal(first, (await session.GetAsync())!.EndReason);
    }

    private async Task EndAsync(SessionEndReason reason, Journey journey, ISessionGrain session)
    {
        switch (reason)
        {
            case SessionEndReason.CardRemoved:
                await journey.Card.RemovedAsync(journey.WorkstationId);
                break;
            case SessionEndReason.Revoked:
                await journey.Card.RevokeAsync();
                break;
            case SessionEndReason.Superseded:
                // The same user logs in with another card: one live session per user here, the oldest ends.
                await new Journey(fx.Client, journey.User).LoginAsync();
                break;
            case SessionEndReason.IdleTimeout:
                fx.Clock.Advance(TimeSpan.FromMinutes(11));
                await session.GetAsync();
                break;
            case SessionEndReason.AgentLost:
                fx.Clock.Advance(TimeSpan.FromSeconds(31));
                await session.CheckHeartbeatAsync();
                break;
            default:
                await session.EndAsync(reason);
                break;
        }
    }
}
