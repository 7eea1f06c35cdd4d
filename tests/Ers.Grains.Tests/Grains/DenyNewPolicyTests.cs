using Ers.Audit;
using Ers.Sessions;

namespace Ers.Grains.Tests.Grains;

/// <summary>A deployment that denies a second session: its own silo, since the policy is deployment-wide.</summary>
public sealed class DenyNewPolicyTests : IAsyncLifetime
{
    private OwnSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await OwnSilo.StartAsync(OwnSilo.NewDirectory("deny"), new Dictionary<string, string?>
        {
            ["Ers:Sessions:ConcurrentSessionPolicy"] = "DenyNew",
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task A_second_session_for_the_user_is_refused_and_the_first_stays()
    {
        var user = new Ers.Staff.StaffUser(Ids.NewDigits(12), "Dr Deny", [Ids.Profile("E82665", "B1101")]);
        await _silo.Client.GetGrain<Ers.Staff.IUserGrain>(user.UserId).ImportAsync(user);
        var first = new Journey(_silo.Client, user);
        var second = new Journey(_silo.Client, user);
        var firstSession = await first.LoginOkAsync();

        var (deniedId, denied) = await second.LoginAsync(_silo.Audit);

        Assert.Equal(RefusalCodes.ConcurrentSessionDenied, denied.Refusal!.Code);
        Assert.Null(await second.Session(deniedId).GetAsync());
        Assert.Equal(SessionState.Active, (await first.Session(firstSession).GetAsync())!.State);
        var audit = await _silo.Audit.QueryAsync(new AuditQuery(SessionId: deniedId));
        Assert.Equal(RefusalCodes.ConcurrentSessionDenied, Assert.Single(audit).Reason);

        // Once the first session ends, the user may log in again.
        await first.Card.RemovedAsync(first.WorkstationId);
        Assert.True((await second.LoginAsync()).Outcome.IsSuccess);
    }
}
