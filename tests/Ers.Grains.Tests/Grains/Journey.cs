using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Silos;
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

    /// <summary>
    /// The card presented at the journey's workstation and its challenge signed there (<see cref="CardLogins"/>). The
    /// session id is the card grain's: on a refusal made by the session, the one its refusal record names.
    /// </summary>
    public async Task<(string SessionId, Outcome<SessionSnapshot> Outcome)> LoginAsync(IAuditTrail? audit = null)
    {
        var outcome = await Card.LogInAsync(WorkstationId, user.UserId);
        if (outcome.Value is { } session)
        {
            return (session.SessionId, outcome);
        }

        IReadOnlyList<AuditRecord> refused = audit is null ? [] : await audit.QueryAsync(new AuditQuery(CardId: CardId));
        return (refused.LastOrDefault(r => r.Event == AuditEvent.Refused && r.SessionId is not null)?.SessionId ?? Ids.NewSession(), outcome);
    }

    public async Task<string> LoginOkAsync()
    {
        var (id, outcome) = await LoginAsync();
        Assert.True(outcome.IsSuccess, outcome.Refusal?.Code);
        return id;
    }
}
