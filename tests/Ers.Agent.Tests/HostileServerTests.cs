using System.Collections.Concurrent;
using System.Threading.Channels;
using Ers.Agent.Journey;
using Ers.Api;
using Ers.VirtualCard;

namespace Ers.Agent.Tests;

/// <summary>
/// Issue 13, defect 7: the agent against a compromised server (the Kestrel stand-in, over real mutual TLS, answering
/// hostile shapes) with the real pcscd + vpcd and the virtual card. A challenge of any shape but an id and a 32-byte
/// nonce never reaches the card (no passcode is asked for, no GENERAL AUTHENTICATE is sent); a login link off the
/// browsers' origin is neither opened nor shown.
/// </summary>
[Collection(PcscdCollection.Name)]
public sealed class HostileServerTests(PcscdFixture pcscd) : IAsyncLifetime
{
    private readonly RecordingBrowser _browser = new();
    private AgentRig _rig = null!;
    private FakeErs _ers = null!;
    private AgentUnderTest _agent = null!;

    public async Task InitializeAsync()
    {
        _ = pcscd;
        _rig = await AgentRig.AgainstStandInAsync([AgentRig.Referrer], api => new AgentUnderTest(api, TimeSpan.FromMinutes(5), browser: _browser));
        (_ers, _agent) = (_rig.StandIn, _rig.Agent);
    }

    public Task DisposeAsync() => _rig.DisposeAsync().AsTask();

    public static TheoryData<string> HostileChallenges() =>
        ["no nonce", "empty nonce", "16-byte nonce", "31-byte nonce", "33-byte nonce", "64-byte nonce", "no challenge id",
         "empty challenge id", "challenge id with a control character", "challenge id of 65 characters", "no token"];

    [Theory]
    [MemberData(nameof(HostileChallenges))]
    public async Task A_challenge_of_another_shape_never_reaches_the_card(string shape)
    {
        _ers.ShapeChallenge = c => shape switch
        {
            "no nonce" => c with { Nonce = null! },
            "empty nonce" => c with { Nonce = [] },
            "16-byte nonce" => c with { Nonce = c.Nonce[..16] },
            "31-byte nonce" => c with { Nonce = c.Nonce[..31] },
            "33-byte nonce" => c with { Nonce = [.. c.Nonce, 0] },
            "64-byte nonce" => c with { Nonce = [.. c.Nonce, .. c.Nonce] },
            "no challenge id" => c with { ChallengeId = null! },
            "empty challenge id" => c with { ChallengeId = "" },
            "challenge id with a control character" => c with { ChallengeId = c.ChallengeId + "\n" },
            "challenge id of 65 characters" => c with { ChallengeId = new string('A', 65) },
            "no token" => c with { ChallengeToken = "" },
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
        _agent.Start();
        var card = NewCard();
        await using var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();

        var failed = await _agent.WaitForAsync(n => n.State == JourneyState.Failed, "the challenge refused");

        Assert.Equal(AgentMessages.ChallengeRefused, failed.Message);
        Assert.Equal(0, card.AuthenticateCommandCount);
        Assert.Equal(0, card.PinPresentationCount); // refused before the passcode was asked for
        Assert.DoesNotContain(_agent.Seen, n => n.State == JourneyState.AwaitingPin);
        Assert.DoesNotContain(AgentApiRoutes.CardAuthenticate, _ers.Routes);
    }

    public static TheoryData<string> HostileLinks() =>
        ["http://{host}/login?ticket=x", "javascript:alert(1)", "file:///etc/passwd", "https://evil.example/login?ticket=x",
         "https://{hostname}:1/login?ticket=x", "ftp://{host}/login", "https://{hostname}.evil.example/login", "https://{hostname}/login"];

    [Theory]
    [MemberData(nameof(HostileLinks))]
    public async Task A_login_link_off_the_servers_origin_is_neither_opened_nor_shown(string link)
    {
        _ers.LoginUrl = new Uri(link.Replace("{host}", _ers.BaseAddress.Authority, StringComparison.Ordinal)
            .Replace("{hostname}", _ers.BaseAddress.Host, StringComparison.Ordinal));
        _agent.Start();
        await using var card = new VpcdCardLink(NewCard(), 0);
        await card.InsertAsync();
        await _agent.WaitForAsync(n => n.State == JourneyState.AwaitingPin, "passcode prompt");
        await _agent.TypeAsync("123456");

        var refused = await _agent.WaitForAsync(n => n.State == JourneyState.Active && n.Level == NoticeLevel.Error, "the link refused");

        Assert.Equal(AgentMessages.LoginLinkRefused(_ers.LoginUrl, LoginStatement.Origin(_ers.BaseAddress)), refused.Message);
        Assert.DoesNotContain("ticket", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc/passwd", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_browser.Opened);
        Assert.DoesNotContain("Open this address", _agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_login_link_on_the_servers_origin_is_opened_after_a_signed_statement()
    {
        _agent.Start();
        var card = NewCard(ecc: true);
        await using var link = new VpcdCardLink(card, 0);
        await link.InsertAsync();
        await _agent.WaitForAsync(n => n.State == JourneyState.AwaitingPin, "passcode prompt");
        await _agent.TypeAsync("123456");

        await _agent.WaitForAsync(n => n.Message.StartsWith(AgentMessages.ActivePrefix, StringComparison.Ordinal), "active");
        var opened = await _browser.NextAsync();

        // The stand-in verified the card's signature over the statement it rebuilt (its origin, this CN, the card).
        Assert.Equal(new Uri(_ers.BaseAddress, "/login?ticket=").AbsoluteUri, opened.GetLeftPart(UriPartial.Path) + "?ticket=");
        Assert.Equal(1, card.AuthenticateCommandCount);
    }

    [Fact]
    public async Task With_a_browser_origin_of_its_own_only_links_there_are_opened()
    {
        var pages = new Uri("https://pages.ers.test:5080");
        _ers.LoginUrl = new Uri(_ers.BaseAddress, "/login?ticket=on-the-api-origin");
        _agent.Start(pages);
        await using (var first = new VpcdCardLink(NewCard(), 0))
        {
            await first.InsertAsync();
            await _agent.WaitForAsync(n => n.State == JourneyState.AwaitingPin, "passcode prompt");
            await _agent.TypeAsync("123456");
            await _agent.WaitForAsync(n => n.State == JourneyState.Active && n.Level == NoticeLevel.Error, "the API origin's link refused");
            Assert.Empty(_browser.Opened);
            await first.RemoveAsync();
        }

        await PcscTests.WaitUntilEmptyAsync(_agent.Readers, 0);
        _ers.LoginUrl = new Uri(pages, "/login?ticket=on-the-pages-origin");
        await using var second = new VpcdCardLink(NewCard(), 0);
        await second.InsertAsync();
        await _agent.WaitForAsync(n => n.State == JourneyState.AwaitingPin, "second passcode prompt");
        await _agent.TypeAsync("123456");

        Assert.Equal(_ers.LoginUrl, await _browser.NextAsync());
    }

    private static VirtualPivCard NewCard(bool ecc = false) =>
        new(VirtualCardOptions.FromCertificate(TestCards.CreateSelfSigned("CN=Ada Test, SERIALNUMBER=555294209105", ecc)));

    private sealed class RecordingBrowser : IBrowserLauncher
    {
        private readonly Channel<Uri> _opened = Channel.CreateUnbounded<Uri>();

        public ConcurrentQueue<Uri> Opened { get; } = new();

        public void Open(Uri loginUrl)
        {
            Opened.Enqueue(loginUrl);
            _opened.Writer.TryWrite(loginUrl);
        }

        public async Task<Uri> NextAsync()
        {
            using var timeout = new CancellationTokenSource(EventProbe.Timeout);
            return await _opened.Reader.ReadAsync(timeout.Token);
        }
    }
}
