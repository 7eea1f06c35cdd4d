using Ers.Agent.Journey;
using Ers.Api;
using Ers.VirtualCard;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Agent.Tests;

/// <summary>
/// The whole agent against the real pcscd + vpcd with the virtual card, and a Kestrel stand-in for Ers over real
/// mutual TLS. Passcodes and role choices go in through the line UI, exactly as in --non-interactive mode.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class JourneyTests(PcscdFixture pcscd) : IAsyncLifetime
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();
    private AgentRig _rig = null!;
    private FakeErs _ers = null!;
    private AgentUnderTest _agent = null!;

    public async Task InitializeAsync()
    {
        _ = pcscd;
        _rig = await AgentRig.AgainstStandInAsync([AgentRig.Referrer, AgentRig.Provider], api => new AgentUnderTest(api, HeartbeatInterval, _time), 0, 1);
        (_ers, _agent) = (_rig.StandIn, _rig.Agent);
        _agent.Start();
    }

    public Task DisposeAsync() => _rig.DisposeAsync().AsTask();

    private static VirtualPivCard NewCard(bool ecc = false, MalformedAnswers malformed = MalformedAnswers.None)
    {
        var options = VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Ada Test, SERIALNUMBER=555294209105", ecc));
        options.Malformed = malformed;
        return new VirtualPivCard(options);
    }

    private Task<AgentNotice> WaitForStateAsync(string reader, JourneyState state) =>
        _agent.WaitForAsync(n => n.Reader == reader && n.State == state, $"{reader} {state}");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Card_pin_role_active_heartbeat_then_removal_ends_the_session(bool ecc)
    {
        var card = NewCard(ecc);
        await using var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();

        var ask = await WaitForStateAsync(link.ReaderName, JourneyState.AwaitingPin);
        Assert.Contains("3 tries left", ask.Message, StringComparison.Ordinal);
        await _agent.TypeAsync("111111");
        var wrong = await _agent.WaitForAsync(n => n.Level == NoticeLevel.Warning, "wrong passcode");
        Assert.Equal(AgentMessages.WrongPin(2), wrong.Message);
        await _agent.TypeAsync("123456");
        await WaitForStateAsync(link.ReaderName, JourneyState.SelectingRole);
        await _agent.TypeAsync("2");
        var active = await _agent.WaitForAsync(n => n.State == JourneyState.Active && n.Message.StartsWith("Active:", StringComparison.Ordinal), "active");
        Assert.Equal("Active: Dr Ada Test - Medical Secretary Access Role - Kent Community Health (RYY)", active.Message);
        var url = await _agent.WaitForAsync(n => n.Message.StartsWith("Open this address", StringComparison.Ordinal), "login URL");
        Assert.Contains(new Uri(_ers.BaseAddress, "/login?ticket=session-").AbsoluteUri, url.Message, StringComparison.Ordinal);
        Assert.Equal(2, card.PinPresentationCount);
        Assert.False(card.PinVerified); // cleared as soon as the challenge was signed
        Assert.All(_ers.ClientCertificates, subject => Assert.Equal("CN=workstation-01", subject));

        _time.Advance(HeartbeatInterval);
        await _ers.WaitForCallAsync(AgentApiRoutes.Heartbeat);
        Assert.Single(Assert.Single(_ers.Heartbeats).SessionTokens);

        await link.RemoveAsync();
        await _ers.WaitForCallAsync(AgentApiRoutes.CardRemoved);
        Assert.Equal(card.CardId, Assert.Single(_ers.RemovedCards));
        var ended = await WaitForStateAsync(link.ReaderName, JourneyState.Waiting);
        Assert.Equal(AgentMessages.SessionEndedByRemoval, ended.Message);
    }

    [Fact]
    public async Task With_an_ra_order_a_wrong_puk_is_reported_and_the_card_stays_blocked_and_a_wrong_shape_never_reaches_the_card()
    {
        var options = VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Ada Test, SERIALNUMBER=555294209105", ecc: true));
        var card = new VirtualPivCard(new VirtualCardOptions
        {
            Certificate = options.Certificate,
            PrivateKey = options.PrivateKey,
            Puk = "87654321",
            PinTriesLeft = 0,
        });
        _ers.ShapeChallenge = c => c with { UnblockAuthorized = true };
        await using var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();

        await WaitForStateAsync(link.ReaderName, JourneyState.Unblocking);
        await _agent.TypeAsync("1234");     // too short for a PUK: asked again, not sent
        await _agent.WaitForAsync(n => n.Message == AgentMessages.PukShape, "PUK shape");
        await _agent.TypeAsync("11111111"); // the wrong PUK
        await _agent.TypeAsync("654321");
        await _agent.TypeAsync("654321");

        var refused = await _agent.WaitForAsync(n => n.Reader == link.ReaderName && n.State == JourneyState.Blocked, "still blocked");
        Assert.Equal(AgentMessages.WrongPuk(2), refused.Message);
        await _ers.WaitForCallAsync(AgentApiRoutes.CardUnblocked);
        Assert.Equal(CardUnblockOutcome.WrongPuk, Assert.Single(_ers.UnblockReports).Outcome);
        Assert.Equal((0, 2, 1), (card.PinTriesLeft, card.PukTriesLeft, card.ResetRetryCounterCount));
        Assert.Equal(0, card.PinPresentationCount);
        Assert.DoesNotContain("11111111", _agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("654321", _agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blocked_card_gets_no_more_verify_and_sends_the_user_to_the_ra()
    {
        var card = NewCard();
        var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();
        foreach (var triesLeft in new[] { 3, 2, 1 })
        {
            var ask = await WaitForStateAsync(link.ReaderName, JourneyState.AwaitingPin);
            if (ask.Level == NoticeLevel.Info)
            {
                Assert.Equal(AgentMessages.EnterPin(triesLeft), ask.Message);
                Assert.Contains(triesLeft == 1 ? "(1 try left)" : $"({triesLeft} tries left)", ask.Message, StringComparison.Ordinal);
            }
            await _agent.TypeAsync("000000");
            if (triesLeft > 1)
            {
                await _agent.WaitForAsync(n => n.Level == NoticeLevel.Warning && n.Message == AgentMessages.WrongPin(triesLeft - 1), "wrong passcode");
            }
        }
        var blocked = await WaitForStateAsync(link.ReaderName, JourneyState.Blocked);
        Assert.Contains("Registration Authority (RA)", blocked.Message, StringComparison.Ordinal);
        await _ers.WaitForCallAsync(AgentApiRoutes.CardBlocked);
        Assert.Equal(3, card.PinPresentationCount);
        // One status query (VERIFY without data) when the card is read, three passcodes, nothing once blocked.
        Assert.Equal(4, card.VerifyCommandCount);

        // Re-inserted: still blocked, told at once, and the card sees no passcode at all.
        await link.RemoveAsync();
        var removed = await WaitForStateAsync(link.ReaderName, JourneyState.Waiting);
        Assert.Equal(AgentMessages.CardRemoved, removed.Message); // there was no session to end
        await PcscTests.WaitUntilEmptyAsync(_agent.Readers, 0);
        await using var again = new VpcdCardLink(card, 0);
        await again.InsertAsync();
        await WaitForStateAsync(again.ReaderName, JourneyState.Blocked);
        Assert.Equal(3, card.PinPresentationCount);
        Assert.Equal(5, card.VerifyCommandCount); // only the status query that reports "blocked"
        Assert.DoesNotContain(_agent.Seen.SkipWhile(n => n.State != JourneyState.Waiting), n => n.State == JourneyState.AwaitingPin);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("123456789")]
    [InlineData("12a456")]
    public async Task Badly_shaped_passcode_costs_no_try(string pin)
    {
        var card = NewCard();
        await using var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();
        await WaitForStateAsync(link.ReaderName, JourneyState.AwaitingPin);
        await _agent.TypeAsync(pin);
        var refused = await _agent.WaitForAsync(n => n.Level == NoticeLevel.Warning, "passcode shape");
        Assert.Equal(AgentMessages.PinShape, refused.Message);
        Assert.Equal(0, card.PinPresentationCount);
        Assert.Equal(3, card.PinTriesLeft);
        await _agent.TypeAsync("123456");
        await WaitForStateAsync(link.ReaderName, JourneyState.SelectingRole);
        Assert.Equal(1, card.PinPresentationCount);
    }

    [Fact]
    public async Task Malformed_card_gives_a_message_and_the_agent_carries_on()
    {
        await using (var bad = new VpcdCardLink(NewCard(malformed: MalformedAnswers.BrokenCertificateTlv), 0))
        {
            await bad.InsertAsync();
            var failed = await WaitForStateAsync(bad.ReaderName, JourneyState.Failed);
            Assert.Contains("cannot be understood", failed.Message, StringComparison.Ordinal);
        }
        await WaitForStateAsync("Virtual PCD 00 00", JourneyState.Waiting);
        await PcscTests.WaitUntilEmptyAsync(_agent.Readers, 0);
        await using var good = new VpcdCardLink(NewCard(), 0);
        await good.InsertAsync();
        await WaitForStateAsync(good.ReaderName, JourneyState.AwaitingPin);
    }

    [Fact]
    public async Task Two_readers_run_two_independent_journeys()
    {
        _ers.Roles = [AgentRig.Referrer];
        await using var first = new VpcdCardLink(NewCard(), 0);
        await using var second = new VpcdCardLink(NewCard(ecc: true), 1);
        await first.InsertAsync();
        await WaitForStateAsync(first.ReaderName, JourneyState.AwaitingPin);
        await second.InsertAsync();
        await _agent.TypeAsync("123456");
        await _agent.WaitForAsync(n => n.Reader == first.ReaderName && n.Message.StartsWith("Active:", StringComparison.Ordinal), "first active");
        // The second card is read while the first logs in: its passcode prompt may come before the first's "Active".
        await _agent.ShownAsync(n => n.Reader == second.ReaderName && n.State == JourneyState.AwaitingPin, "second asks for its passcode");
        await _agent.TypeAsync("123456");
        await _agent.WaitForAsync(n => n.Reader == second.ReaderName && n.Message.StartsWith("Active:", StringComparison.Ordinal), "second active");

        await first.RemoveAsync();
        await _ers.WaitForCallAsync(AgentApiRoutes.CardRemoved);
        Assert.Equal(first.Card.CardId, Assert.Single(_ers.RemovedCards));
        _time.Advance(HeartbeatInterval);
        await _ers.WaitForCallAsync(AgentApiRoutes.Heartbeat);
        Assert.Single(Assert.Single(_ers.Heartbeats).SessionTokens);
    }

    [Fact]
    public async Task Card_is_released_with_a_reset_once_signed()
    {
        // The agent asks for a fresh challenge between VERIFY and the signature when the first one expired: the
        // fake holds that call, so the test can act while the card is verified and not yet signed with.
        var verified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ers.ChallengeExpiresAt = _time.GetUtcNow();
        _ers.OnCardInserted = async call =>
        {
            if (call == 2)
            {
                verified.TrySetResult();
                await release.Task;
            }
        };
        var card = NewCard();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var link = new VpcdCardLink(card, 0) { Log = log.Enqueue };
        await link.InsertAsync();
        await WaitForStateAsync(link.ReaderName, JourneyState.AwaitingPin);
        await _agent.TypeAsync("123456");
        await verified.Task.WaitAsync(EventProbe.Timeout);
        Assert.True(card.PinVerified);

        // Another local process that opens the card now is held off: pcsc-lite queues its commands behind the
        // journey's transaction (it does not refuse them), so it gets the card only once the journey has reset it.
        var intruder = Task.Run(async () =>
        {
            await using var other = await _agent.Readers.ConnectAsync(link.ReaderName, default);
            var otherPiv = new Ers.Agent.Piv.PivCard(other);
            await otherPiv.SelectAsync(default);
            return await otherPiv.GetPinStatusAsync(default);
        });
        // A window to watch, not a wait for an event: without the transaction the SELECT is answered in milliseconds.
        Assert.NotSame(intruder, await Task.WhenAny(intruder, Task.Delay(TimeSpan.FromSeconds(2))));
        Assert.True(card.PinVerified, "the held-off process sent nothing that reset the card");

        var resetsBefore = log.Count(e => e == "reset");
        release.SetResult();
        await WaitForStateAsync(link.ReaderName, JourneyState.SelectingRole);
        await _agent.TypeAsync("1");
        await _agent.WaitForAsync(n => n.Message.StartsWith("Open this address", StringComparison.Ordinal), "login URL");

        // The journey released the card with a reset: the card reports the passcode not verified, to the process held
        // off as to anyone.
        Assert.True(log.Count(e => e == "reset") > resetsBefore, string.Join(", ", log));
        Assert.Equal(Ers.Agent.Piv.PinState.NotVerified, (await intruder.WaitAsync(EventProbe.Timeout)).State);
        await using var after = await _agent.Readers.ConnectAsync(link.ReaderName, default);
        var piv = new Ers.Agent.Piv.PivCard(after);
        await piv.SelectAsync(default);
        var status = await piv.GetPinStatusAsync(default);
        Assert.Equal(Ers.Agent.Piv.PinState.NotVerified, status.State);
        Assert.Equal(1, card.PinPresentationCount);
    }

    [Fact]
    public async Task Refusal_by_ers_is_shown_as_a_plain_sentence()
    {
        _ers.RefuseInsertionWith = ApiErrorCodes.CertificateRevoked;
        await using var link = new VpcdCardLink(NewCard(), 0);
        await link.InsertAsync();
        var failed = await WaitForStateAsync(link.ReaderName, JourneyState.Failed);
        Assert.Equal("This card has been cancelled. Please contact your Registration Authority (RA).", failed.Message);
    }
}
