using Ers.Agent.Api;
using Ers.Agent.Hosting;
using Ers.Agent.PcSc;
using Ers.Agent.Piv;
using Ers.Api;

namespace Ers.Agent.Journey;

/// <summary>
/// One card in one reader, from insertion to removal: read, register, passcode, sign the login statement, role,
/// active, browser. Removal cancels <see cref="RunAsync"/>'s token; nothing of a journey is reused by the next
/// insertion. The agent trusts the server no further than it must: the card signs only a
/// <see cref="LoginStatement"/> the agent builds itself, and only login links on <paramref name="browserOrigin"/> open.
/// With <paramref name="rolesInBrowser"/> a user of several roles chooses on the browser's role page (Ers.Web's
/// <c>/role</c>, as CIS2 does) instead of in <paramref name="ui"/>, and the agent learns the role from the heartbeat.
/// </summary>
internal sealed class ReaderJourney(
    string reader,
    ICardReaderService readers,
    IAgentApi api,
    IAgentUi ui,
    IBrowserLauncher? browser,
    TimeProvider timeProvider,
    string browserOrigin,
    bool rolesInBrowser = false)
{
    private volatile string? _cardId;
    private volatile string? _sessionToken;

    public string Reader => reader;

    /// <summary>The card id once read; the removal report needs it.</summary>
    public string? CardId => _cardId;

    /// <summary>The session of this card once authenticated (for heartbeats).</summary>
    public string? SessionToken => _sessionToken;

    public JourneyState State { get; private set; } = JourneyState.Waiting;

    public async Task RunAsync(CancellationToken removed)
    {
        try
        {
            await RunCoreAsync(removed);
        }
        catch (OperationCanceledException) when (removed.IsCancellationRequested)
        {
            // The card left: the coordinator reports it.
        }
        catch (Exception ex)
        {
            // Whatever went wrong (card, service, Ers, the UI's input ending), one card's journey must never take
            // the agent down: it fails with a sentence and the reader waits for the card to be removed.
            if (!removed.IsCancellationRequested)
            {
                Notify(JourneyState.Failed, NoticeLevel.Error, AgentMessages.Describe(ex));
            }
        }
    }

    private async Task RunCoreAsync(CancellationToken removed)
    {
        Notify(JourneyState.Reading, NoticeLevel.Info, "Card inserted. Reading it...");
        CardInsertedResponse challenge;
        PivCertificate certificate;
        PinStatus pin;
        SessionResponse session;
        var connection = await readers.ConnectAsync(reader, removed);
        var card = new PivCard(connection);
        var pinVerified = false;
        var verifiedOnce = false;
        var cardGone = false;
        try
        {
            // One span from reading the card to the started session: the API calls inside it carry its trace
            // (traceparent), so card time and server time are one trace. Nothing personal goes in it.
            using var login = AgentTelemetry.Source.StartActivity("card login");
            await card.SelectAsync(removed);
            _cardId = await card.ReadCardIdAsync(removed);
            certificate = await card.ReadAuthenticationCertificateAsync(removed);
            challenge = await api.CardInsertedAsync(new CardInsertedRequest(_cardId, certificate.Der, LoginStatement.Protocol), removed);
            // Checked before the passcode is asked for: a challenge the card would not sign is not worth a try.
            var statement = Statement(challenge);
            if (challenge.Warning is { } warning)
            {
                Notify(JourneyState.Reading, NoticeLevel.Warning, warning.Message);
            }
            pin = await VerifyPinAsync(connection, card, removed);
            if (pin.State != PinState.Verified)
            {
                return;
            }
            pinVerified = true;
            verifiedOnce = true;
            Notify(JourneyState.Authenticating, NoticeLevel.Info, "Passcode accepted. Logging in...");
            if (challenge.ExpiresAt <= timeProvider.GetUtcNow())
            {
                // The user took long over the passcode: ask for a fresh challenge rather than fail.
                challenge = await api.CardInsertedAsync(new CardInsertedRequest(_cardId, certificate.Der, LoginStatement.Protocol), removed);
                statement = Statement(challenge);
            }
            var signature = await card.SignAsync(certificate, statement, removed);
            session = await api.AuthenticateAsync(new CardAuthenticateRequest(challenge.ChallengeToken, signature), removed);
            _sessionToken = session.SessionToken;
        }
        catch (Exception ex) when (removed.IsCancellationRequested || ex is SmartCardException { Error: SmartCardError.CardRemoved })
        {
            pinVerified = false; // the card is gone, and with it the verified state
            cardGone = true;
            throw;
        }
        finally
        {
            // The card forgets the verified passcode as soon as the signature is made (or the journey failed).
            if (pinVerified)
            {
                await ForgetPinAsync(card);
            }
            // Ending the VERIFY-to-signature transaction and disconnecting reset a card whose passcode was verified,
            // so nothing verified outlives the agent's use even if the card ignored the VERIFY reset. A card never
            // verified (wrong passcode, blocked, cancelled) has nothing to forget, and a card being pulled is not
            // reset either: resetting one stalls the virtual reader for about 10 s (see ICardConnection.ResetOnDispose),
            // which is what the next insertion then waited on.
            connection.ResetOnDispose = verifiedOnce && !cardGone && !removed.IsCancellationRequested;
            await connection.DisposeAsync();
        }
        await ChooseRoleAndOpenAsync(session, removed);
    }

    /// <summary>
    /// The statement the card signs, from this agent's own server origin and workstation id, the card id it read, and
    /// the challenge's id and nonce. A challenge of another shape never reaches the card.
    /// </summary>
    private byte[] Statement(CardInsertedResponse challenge)
    {
        if (challenge.ChallengeToken is not { Length: > 0 } || challenge.Nonce is not { Length: LoginStatement.NonceSize } ||
            challenge.ChallengeId is not { Length: > 0 and <= 64 } id || !id.All(char.IsAsciiLetterOrDigit))
        {
            throw new UnacceptableChallengeException();
        }

        try
        {
            return LoginStatement.Build(api.ServerOrigin, api.WorkstationId, _cardId!, id, challenge.Nonce);
        }
        catch (ArgumentException)
        {
            throw new UnacceptableChallengeException();
        }
    }

    private static async Task ForgetPinAsync(PivCard card)
    {
        try
        {
            await card.ResetPinStatusAsync(CancellationToken.None);
        }
        catch (SmartCardException)
        {
            // Pulled meanwhile: removal clears it anyway.
        }
    }

    private async Task<PinStatus> VerifyPinAsync(ICardConnection connection, PivCard card, CancellationToken removed)
    {
        var status = await card.GetPinStatusAsync(removed);
        while (true)
        {
            switch (status.State)
            {
                case PinState.Verified:
                    return status;
                case PinState.Blocked:
                    // No VERIFY goes to a blocked card: only the RA can unblock it.
                    Notify(JourneyState.Blocked, NoticeLevel.Error, AgentMessages.Blocked);
                    await api.CardBlockedAsync(new CardRemovedRequest(_cardId!), removed);
                    return status;
            }
            Notify(JourneyState.AwaitingPin, NoticeLevel.Info, AgentMessages.EnterPin(status.TriesLeft));
            var entered = await ui.AskPinAsync(reader, status.TriesLeft, removed);
            try
            {
                if (!PivPin.IsWellFormed(entered))
                {
                    Notify(JourneyState.AwaitingPin, NoticeLevel.Warning, AgentMessages.PinShape);
                    continue;
                }
                Notify(JourneyState.Verifying, NoticeLevel.Info, "Checking the passcode...");
                // From the VERIFY to the signature the card is this connection's alone: no other local process
                // can send a command to the verified card. Held until the connection is disposed.
                connection.BeginTransaction();
                status = await card.VerifyPinAsync(entered, removed);
            }
            finally
            {
                Array.Clear(entered);
            }
            if (status.State == PinState.NotVerified)
            {
                Notify(JourneyState.AwaitingPin, NoticeLevel.Warning, AgentMessages.WrongPin(status.TriesLeft));
            }
        }
    }

    private async Task ChooseRoleAndOpenAsync(SessionResponse session, CancellationToken removed)
    {
        var role = session.Role;
        if (!string.Equals(session.State, "Active", StringComparison.Ordinal) || role is null)
        {
            switch (session.RoleProfiles.Count)
            {
                case 0:
                    Notify(JourneyState.Failed, NoticeLevel.Error, AgentMessages.NoRoles);
                    return;
                case 1:
                    role = session.RoleProfiles[0];
                    break;
                case > 1 when rolesInBrowser:
                    Notify(JourneyState.SelectingRole, NoticeLevel.Info, AgentMessages.ChooseRoleInBrowser);
                    if (await OpenLoginAsync(session.SessionToken, removed) && await WaitForRoleAsync(session.SessionToken, removed) is { } chosen)
                    {
                        Notify(JourneyState.Active, NoticeLevel.Info, AgentMessages.Active(session, chosen));
                    }
                    return;
                default:
                    Notify(JourneyState.SelectingRole, NoticeLevel.Info, "Choose your role.");
                    role = await ui.ChooseRoleAsync(reader, session.UserName, session.RoleProfiles, removed);
                    break;
            }
            session = await api.SelectRoleAsync(new SelectRoleRequest(session.SessionToken, role.RoleProfileId), removed);
            _sessionToken = session.SessionToken;
            role = session.Role ?? role;
        }
        if (session.Warning is { } warning)
        {
            Notify(JourneyState.Active, NoticeLevel.Warning, warning.Message);
        }
        Notify(JourneyState.Active, NoticeLevel.Info, AgentMessages.Active(session, role));
        await OpenLoginAsync(session.SessionToken, removed);
    }

    /// <summary>How often the agent asks whether the role was chosen in the browser (a heartbeat each time).</summary>
    private static readonly TimeSpan RolePollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Waits until the user chose the role on the browser's role page: the heartbeat names it. Null when the session
    /// ended meanwhile (said to the user). The session's own timeouts bound the wait.
    /// </summary>
    private async Task<RoleProfileDto?> WaitForRoleAsync(string sessionToken, CancellationToken removed)
    {
        while (true)
        {
            await Task.Delay(RolePollInterval, timeProvider, removed);
            HeartbeatSessionStatus status;
            try
            {
                status = (await api.HeartbeatAsync(new HeartbeatRequest([sessionToken]), removed)).Sessions.Single();
            }
            catch (HttpRequestException)
            {
                continue; // Ers unreachable for a moment: the heartbeat loop says so; the choice is still awaited.
            }
            if (!status.Active)
            {
                Notify(JourneyState.Failed, NoticeLevel.Error, status.Message ?? AgentMessages.SessionUnknown);
                return null;
            }
            if (status.Role is { } role)
            {
                return role;
            }
        }
    }

    /// <summary>Opens (or prints) the browser login link of the session; false when the server's link was refused.</summary>
    private async Task<bool> OpenLoginAsync(string sessionToken, CancellationToken removed)
    {
        var ticket = await api.BrowserTicketAsync(new SessionRequest(sessionToken), removed);
        if (ticket.LoginUrl is not { } loginUrl || !LoginStatement.IsOn(loginUrl, browserOrigin))
        {
            // Neither opened nor printed: the address is the server's choice and could be any scheme or site. Only
            // its scheme and host are named (its query would hold a ticket).
            Notify(JourneyState.Active, NoticeLevel.Error, AgentMessages.LoginLinkRefused(ticket.LoginUrl, browserOrigin));
            return false;
        }
        if (browser is null)
        {
            Notify(JourneyState.Active, NoticeLevel.Info, $"Open this address to log in: {ticket.LoginUrl}");
        }
        else
        {
            try
            {
                browser.Open(ticket.LoginUrl);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                Notify(JourneyState.Active, NoticeLevel.Warning, $"The browser could not be opened ({ex.Message}). Open this address to log in: {ticket.LoginUrl}");
            }
        }
        return true;
    }

    private void Notify(JourneyState state, NoticeLevel level, string message)
    {
        State = state;
        ui.Show(new AgentNotice(reader, state, level, message));
    }
}
