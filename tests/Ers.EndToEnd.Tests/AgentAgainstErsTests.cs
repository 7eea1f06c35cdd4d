using Ers.Agent.Journey;
using Ers.Cards;
using Ers.Sessions;
using Ers.VirtualCard;
using static Microsoft.Playwright.Assertions;

namespace Ers.EndToEnd.Tests;

/// <summary>
/// The real agent (journey, HTTP API client, line UI) on the real pcscd with the virtual card, against the real
/// running Ers.Web and its grains: the unhappy paths the agent tests only cover against a stand-in for Ers.
/// Each test uses its own sample user's card, because Ers remembers a card's state (a blocked card stays blocked)
/// for the whole shared stack.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AgentAgainstErsTests(EndToEndFixture fixture) : IDisposable
{
    private const string AmeliaHart = "555294209105";
    private const string PriyaNatarajan = "555294209110";
    private const string TomaszKowalczyk = "555294209111";
    private const string WrongPin = "000000";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly AgentNotices _notices = new(fixture.Stack, Timeout);

    private EndToEndStack Stack => fixture.Stack;

    public void Dispose()
    {
        _notices.Dispose();
        Assert.DoesNotContain(EndToEndStack.Pin, Stack.AgentOutputText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_wrong_passcodes_then_the_right_one_log_in_and_the_session_exists_on_the_server()
    {
        var page = await Stack.NewPageAsync();
        await using var login = await Stack.InsertAndLogInAsync(TomaszKowalczyk, page, WrongPin, WrongPin, EndToEndStack.Pin);

        _notices.Drain();
        var warnings = _notices.Seen.Where(n => n.Level == NoticeLevel.Warning).Select(n => n.Message).ToList();
        Assert.Equal([AgentMessages.WrongPin(2), AgentMessages.WrongPin(1)], warnings);
        Assert.Equal(3, login.Link.Card.PinPresentationCount);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Tomasz Kowalczyk");

        var sessionId = Stack.SessionIdOf(login.LoginUrl);
        var session = await Stack.Grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        Assert.NotNull(session);
        Assert.Equal((SessionState.Active, TomaszKowalczyk, login.Link.Card.CardId, EndToEndStack.WorkstationId),
            (session.State, session.UserId, session.CardId, session.WorkstationId));
        Assert.Null(session.EndReason);
        var card = await Stack.Grains.GetGrain<ICardGrain>(login.Link.Card.CardId).GetAsync();
        Assert.Equal((CardState.Authenticated, sessionId), (card.State, card.SessionId));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Three_wrong_passcodes_block_the_card_on_the_card_and_in_ers_with_no_session()
    {
        var card = Stack.CardFor(PriyaNatarajan);
        var grain = Stack.Grains.GetGrain<ICardGrain>(card.CardId);
        Assert.NotEqual(CardState.Blocked, (await grain.GetAsync()).State);
        Stack.Api.Calls.Clear(); // calls of earlier tests on the shared stack
        await Stack.AnswerAsync(WrongPin, WrongPin, WrongPin);
        await using var link = new VpcdCardLink(card, reader: 0);
        await link.InsertAsync();

        var blocked = await _notices.WaitForAsync(n => n.Reader == link.ReaderName && n.State == JourneyState.Blocked, "card blocked");
        Assert.Equal(AgentMessages.Blocked, blocked.Message);
        Assert.Contains("Registration Authority (RA)", blocked.Message, StringComparison.Ordinal);
        Assert.Equal(
            [AgentMessages.WrongPin(2), AgentMessages.WrongPin(1)],
            _notices.Seen.Where(n => n.Level == NoticeLevel.Warning).Select(n => n.Message));

        // The agent tells Ers after showing the message: wait for the grain to record it.
        var snapshot = await PollAsync(grain.GetAsync, s => s.State == CardState.Blocked, "card grain Blocked");
        Assert.Null(snapshot.SessionId);
        Assert.Equal(0, card.PinTriesLeft);
        Assert.Equal(3, card.PinPresentationCount);
        // One status query (VERIFY without data) when the card is read, then the three passcodes; none after.
        Assert.Equal(4, card.VerifyCommandCount);
        Assert.False(Stack.OpenedUrls.Reader.TryRead(out _));
        Assert.DoesNotContain(Stack.Api.Calls, c => c.Name is "authenticate" or "ticket");

        await Stack.RemoveCardAsync(link);
        Assert.Equal(4, card.VerifyCommandCount);
        Assert.Null((await grain.GetAsync()).SessionId);
    }

    [Fact]
    public async Task The_agent_recovers_by_itself_after_pcscd_restarts_and_the_next_card_logs_in()
    {
        await fixture.Pcscd.RestartAsync();

        // The agent notices pcscd gone and back through its own watcher; nobody restarts the agent.
        await _notices.WaitForAsync(n => n.Message == AgentMessages.ServiceNotRunning, "pcscd not running");
        await _notices.WaitForAsync(n => n.Message == AgentMessages.ServiceBack, "pcscd running again");

        var page = await Stack.NewPageAsync();
        await using var login = await Stack.InsertAndLogInAsync(AmeliaHart, page, EndToEndStack.Pin);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Amelia Hart");
        var session = await Stack.Grains.GetGrain<ISessionGrain>(Stack.SessionIdOf(login.LoginUrl)).GetAsync();
        Assert.Equal((SessionState.Active, AmeliaHart), (session!.State, session.UserId));
        Assert.Null(session.EndReason);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_card_with_malformed_answers_gets_a_message_no_session_and_the_next_good_card_logs_in()
    {
        var bad = Stack.CardFor(TomaszKowalczyk);
        bad.Malformed = MalformedAnswers.TruncatedCertificate;
        var grain = Stack.Grains.GetGrain<ICardGrain>(bad.CardId);
        var before = await grain.GetAsync();
        Stack.Api.Calls.Clear();
        await using var link = new VpcdCardLink(bad, reader: 0);
        await link.InsertAsync();

        var failed = await _notices.WaitForAsync(n => n.Reader == link.ReaderName && n.State == JourneyState.Failed, "card failed");
        Assert.Equal(NoticeLevel.Error, failed.Level);
        Assert.Equal("The certificate on this card cannot be used. Please contact your Registration Authority (RA).", failed.Message);
        Assert.Equal(0, bad.PinPresentationCount);
        await Stack.RemoveCardAsync(link);

        // Ers heard nothing of this card: no new session, state as before.
        var card = await grain.GetAsync();
        Assert.Equal(before.SessionId, card.SessionId);
        Assert.NotEqual(CardState.Authenticated, card.State);
        Assert.DoesNotContain(Stack.Api.Calls, c => c.Name is "authenticate" or "role" or "ticket");
        Assert.False(Stack.OpenedUrls.Reader.TryRead(out _));

        // Same agent, no restart: a good card right after logs in.
        var page = await Stack.NewPageAsync();
        await using var login = await Stack.InsertAndLogInAsync(AmeliaHart, page, EndToEndStack.Pin);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Dr Amelia Hart");
        Assert.Null((await Stack.Grains.GetGrain<ISessionGrain>(Stack.SessionIdOf(login.LoginUrl)).GetAsync())!.EndReason);
        await page.Context.CloseAsync();
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Not {what} within {Timeout}: last {value}.");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
