using Ers.Agent.Journey;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.VirtualCard;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Ers.EndToEnd.Tests;

/// <summary>
/// Issue 16, unblocking a card's PIN, on the real pcscd with the virtual card, the real agent and the real Ers.Web:
/// the card blocks after three wrong passcodes; a Registration Authority authorises the unblock for its workstation
/// (the grain method the RA console calls); the agent at that workstation, holding the card, asks for the PUK and the
/// new passcode twice and runs the card's RESET RETRY COUNTER; then the user logs in with the new passcode. The
/// stack's one workstation is the RA's here: the user's card blocked there, then the RA unblocks it there.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CardUnblockJourneyTests(EndToEndFixture fixture) : IDisposable
{
    private const string TomaszKowalczyk = "555294209111";
    private const string WrongPin = "000000";
    private const string NewPin = "24681357";
    private const string RaUserId = "555294209199";       // the RA, as the RA console names it (h/ra's sample RA)
    private const string RaRoleProfileId = "555021935199";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly AgentNotices _notices = new(fixture.Stack, Timeout);

    private EndToEndStack Stack => fixture.Stack;

    public void Dispose() => _notices.Dispose();

    [Fact]
    public async Task A_card_blocked_by_three_wrong_passcodes_is_unblocked_by_the_ra_at_its_workstation_and_logs_in_with_the_new_passcode()
    {
        var card = Stack.CardFor(TomaszKowalczyk);
        var puk = Stack.PukOf(TomaszKowalczyk);
        var grain = Stack.Grains.GetGrain<ICardGrain>(card.CardId);

        // Blocked: three wrong passcodes, the card says 69 83 and the agent tells Ers.
        await Stack.AnswerAsync(WrongPin, WrongPin, WrongPin);
        await using (var link = new VpcdCardLink(card, reader: 0))
        {
            await link.InsertAsync();
            await _notices.WaitForAsync(n => n.Reader == link.ReaderName && n.State == JourneyState.Blocked, "card blocked");
            await Eventually.TrueAsync(async () => (await grain.GetAsync()).State == CardState.Blocked, "card grain Blocked", Timeout);
            await Stack.RemoveCardAsync(link);
        }
        Assert.Equal((0, VirtualPivCard.MaxPukTries), (card.PinTriesLeft, card.PukTriesLeft));

        // The RA's action, as the RA console calls it: an order for this card at the RA's workstation.
        var order = await grain.AuthorizeUnblockAsync(RaUserId, RaRoleProfileId, EndToEndStack.WorkstationId);
        Assert.True(order.IsSuccess, order.Refusal?.Code);

        // At the RA's workstation: the PUK, a new passcode, a second entry that differs (asked again), then twice right.
        await Stack.AnswerAsync(puk, NewPin, "13572468", NewPin, NewPin);
        await using (var link = new VpcdCardLink(card, reader: 0))
        {
            await link.InsertAsync();
            await _notices.WaitForAsync(n => n.Reader == link.ReaderName && n.State == JourneyState.Unblocking, "unblock asked for");
            var unblocked = await _notices.WaitForAsync(n => n.Reader == link.ReaderName && n.State is JourneyState.Unblocked or JourneyState.Failed, "card unblocked");
            Assert.Equal(AgentMessages.Unblocked, unblocked.Message);
            Assert.Contains(_notices.Seen, n => n.Message == AgentMessages.NewPinsDiffer);
            Assert.Equal((VirtualPivCard.MaxPinTries, VirtualPivCard.MaxPukTries, 1), (card.PinTriesLeft, card.PukTriesLeft, card.ResetRetryCounterCount));
            await Eventually.TrueAsync(async () => (await grain.GetAsync()).State == CardState.Inserted, "card grain usable", Timeout);
            var snapshot = await grain.GetAsync();
            Assert.Equal((EndToEndStack.WorkstationId, null), (snapshot.WorkstationId, snapshot.UnblockOrder));
            await Stack.RemoveCardAsync(link);
        }

        var audit = Stack.Services.GetRequiredService<IAuditTrail>();
        var records = await audit.QueryAsync(new AuditQuery(CardId: card.CardId, Limit: 1000));
        Assert.Contains(records, r => r is { Event: AuditEvent.CardUnblockAuthorized, UserId: RaUserId, WorkstationId: EndToEndStack.WorkstationId });
        Assert.Contains(records, r => r is { Event: AuditEvent.CardUnblocked, Outcome: AuditOutcome.Success, WorkstationId: EndToEndStack.WorkstationId });

        // The order is used up: the same report again is refused.
        Assert.Equal(RefusalCodes.UnblockNoOrder, (await grain.UnblockReportedAsync(EndToEndStack.WorkstationId, UnblockResult.Unblocked)).Refusal?.Code);

        // The user logs in with the new passcode; the old one is no longer the card's.
        var page = await Stack.NewPageAsync();
        await using (var login = await Stack.InsertAndLogInAsync(card, page, NewPin))
        {
            await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Tomasz Kowalczyk");
            var session = await Stack.Grains.GetGrain<ISessionGrain>(Stack.SessionIdOf(login.LoginUrl)).GetAsync();
            Assert.Equal((SessionState.Active, TomaszKowalczyk), (session!.State, session.UserId));
        }
        await page.Context.CloseAsync();

        var output = Stack.AgentOutputText;
        Assert.DoesNotContain(puk, output, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPin, output, StringComparison.Ordinal);
    }
}
