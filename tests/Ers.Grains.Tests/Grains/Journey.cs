using Ers.Cards;
using Ers.Sessions;
using Ers.Staff;
using Ers.Workstations;

namespace Ers.Grains.Tests.Grains;

/// <summary>Small steps of the login journey at grain level, so tests read as the journey does.</summary>
public sealed class Journey(IClusterClient client, StaffUser user)
{
    public string CardId { get; } = Ids.NewCard();

    public string WorkstationId { get; init; } = Ids.NewWorkstation();

    public StaffUser User => user;

    public ICardGrain Card => client.GetGrain<ICardGrain>(CardId);

    public IWorkstationGrain Workstation => client.GetGrain<IWorkstationGrain>(WorkstationId);

    public ISessionGrain Session(string id) => client.GetGrain<ISessionGrain>(id);

    public async Task<(string SessionId, Outcome<SessionSnapshot> Outcome)> LoginAsync()
    {
        var inserted = await Card.InsertedAsync(WorkstationId);
        Assert.True(inserted.IsSuccess, inserted.Refusal?.Code);
        var sessionId = Ids.NewSession();
        return (sessionId, await Card.StartSessionAsync(WorkstationId, user.UserId, sessionId));
    }

    public async Task<string> LoginOkAsync()
    {
        var (id, outcome) = await LoginAsync();
        Assert.True(outcome.IsSuccess, outcome.Refusal?.Code);
        return id;
    }
}
