using System.Text.RegularExpressions;
using Ers.Agent.Journey;
using Ers.Audit;
using Ers.Cards;
using Ers.Sessions;
using Ers.VirtualCard;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Ers.EndToEnd.Tests;

/// <summary>
/// Issue 16, unblocking a card's PIN, on the real pcscd with the virtual card, the real agent, the real Ers.Web and
/// Chromium: the user has logged in with the card once (so the RA console lists it); the card blocks after three wrong
/// passcodes; a Registration Authority, logged in with her own card in reader 1 and the RA role, finds the user in the
/// console and authorises the unblock at her workstation; the agent there, holding the user's card in reader 0, asks
/// for the PUK and the new passcode twice and runs the card's RESET RETRY COUNTER; then the user logs in with the new
/// passcode, and the RA's audit search shows the order and the unblock. The stack's one workstation is the RA's here.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CardUnblockJourneyTests(EndToEndFixture fixture) : IDisposable
{
    private const string TomaszKowalczyk = "555294209111";
    private const string WrongPin = "000000";
    private const string NewPin = "24681357";
    private const string HelenBrooks = "555294209112";    // RA Manager at RYY (her first role profile), Tomasz's organisation
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

        // A login first: the RA console lists the cards a user has logged in with.
        var userPage = await Stack.NewPageAsync();
        await using (var login = await Stack.InsertAndLogInAsync(card, userPage, EndToEndStack.Pin))
        {
            await Expect(userPage.GetByTestId("user-name")).ToHaveTextAsync("Tomasz Kowalczyk");
            await Stack.RemoveCardAsync(login.Link);
        }
        await userPage.Context.CloseAsync();

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

        // The RA, with her card in reader 1, orders the unblock from the user's page in the console.
        var raPage = await Stack.NewPageAsync();
        await using var raLogin = await Stack.InsertAndLogInAsync(Stack.CardFor(HelenBrooks), raPage, reader: 1, EndToEndStack.Pin, "1");
        await Expect(raPage).ToHaveURLAsync(new Regex("/ra$"));
        await raPage.GotoAsync(new Uri(Stack.BrowserUrl, "/ra/users/" + TomaszKowalczyk).ToString());
        var row = raPage.GetByTestId("card-" + card.CardId);
        await Expect(row.GetByTestId("card-state")).ToHaveTextAsync(nameof(CardState.Blocked));
        await row.GetByTestId("unblock-" + card.CardId).ClickAsync();
        await Expect(raPage.GetByTestId("ra-unblock-ordered")).ToContainTextAsync(EndToEndStack.WorkstationId);
        var ordered = (await grain.GetAsync()).UnblockOrder;
        Assert.Equal((HelenBrooks, EndToEndStack.WorkstationId), (ordered?.RaUserId, ordered?.WorkstationId));

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
        Assert.Contains(records, r => r is { Event: AuditEvent.CardUnblockAuthorized, UserId: HelenBrooks, WorkstationId: EndToEndStack.WorkstationId });
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

        // The RA's audit search finds what the order and the unblock wrote.
        await raPage.GotoAsync(new Uri(Stack.BrowserUrl, "/ra/audit?card=" + card.CardId).ToString());
        foreach (var kind in new[] { nameof(AuditEvent.CardUnblockOrderedByRa), nameof(AuditEvent.CardUnblockAuthorized), nameof(AuditEvent.CardUnblocked) })
        {
            await Expect(raPage.GetByTestId("audit-results").Locator($"[data-event='{kind}']").First).ToBeVisibleAsync();
        }
        await raPage.Context.CloseAsync();

        var output = Stack.AgentOutputText;
        Assert.DoesNotContain(puk, output, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPin, output, StringComparison.Ordinal);
    }
}
