using Ers.Agent.Api;
using Ers.Agent.PcSc;
using Ers.Agent.Piv;
using Ers.Api;

namespace Ers.Agent.Journey;

/// <summary>Plain sentences for what went wrong; the technical detail stays out of the clinician's way.</summary>
public static class AgentMessages
{
    public const string ServiceNotRunning = "The smartcard service (pcscd) is not running. Waiting for it to start...";
    public const string ServiceBack = "The smartcard service is running again.";
    public const string NoReader = "No smartcard reader found. Connect a reader.";
    public const string Blocked = "This card is blocked: too many wrong passcodes. Please contact your Registration Authority (RA).";
    public const string PinShape = "The passcode must be 6 to 8 digits. No try was used.";
    public const string NoRoles = "You have no role profile. Please contact your Registration Authority (RA).";
    public const string WaitingForCard = "Waiting for a smartcard.";
    public const string PukShape = "The PUK must be 6 to 8 characters. Nothing was sent to the card.";
    public const string Unblocking = "Your Registration Authority (RA) has authorised unblocking this card. Enter its PUK, then choose a new passcode.";
    public const string NewPinsDiffer = "The two new passcodes are not the same. Enter the new passcode again.";
    public const string Unblocked = "The card is unblocked. Remove it; it logs in with the new passcode.";
    public const string PukBlocked = "The card's PUK is blocked too: this card cannot be unblocked. Please contact your Registration Authority (RA) for a new card.";

    public static string WrongPuk(int triesLeft) =>
        $"Wrong PUK. The card is still blocked. {(triesLeft == 1 ? "1 PUK try" : $"{triesLeft} PUK tries")} left. Remove the card and insert it again to retry.";

    public const string CardRemoved = "Card removed. " + WaitingForCard;
    public const string SessionEndedByRemoval = "Card removed: session ended. " + WaitingForCard;
    public const string SessionEndedNotification = "Session ended: the card was removed.";
    public const string ActivePrefix = "Active: ";
    public const string ChooseRoleInBrowser = "Choose your role in the browser window that has opened.";
    public const string SessionUnknown = "Ers no longer knows this session. Remove the card and insert it again to log in.";

    /// <summary>"1 try left", "2 tries left".</summary>
    public static string TriesLeft(int triesLeft) => triesLeft == 1 ? "1 try left" : $"{triesLeft} tries left";

    public static string EnterPin(int triesLeft) => $"Enter your passcode ({TriesLeft(triesLeft)}).";

    public static string WrongPin(int triesLeft) => triesLeft == 1
        ? "Wrong passcode. 1 try left before the card is blocked."
        : $"Wrong passcode. {TriesLeft(triesLeft)}.";

    public static string Active(SessionResponse session, RoleProfileDto role) =>
        $"{ActivePrefix}{session.UserName} - {role.JobRoleName} - {role.OrganisationName} ({role.OdsCode})";

    public static string Describe(Exception exception) => exception switch
    {
        PivException { Error: PivError.NotPivCard } => "This card is not a smartcard Ers can use (no PIV application).",
        PivException { Error: PivError.ObjectNotFound } => "This card has no identity certificate. Please contact your Registration Authority (RA).",
        PivException { Error: PivError.UnsupportedCertificate } => "The certificate on this card cannot be used. Please contact your Registration Authority (RA).",
        PivException { Error: PivError.PinFormat } => PinShape,
        PivException { Error: PivError.PukFormat } => PukShape,
        PivException => "The card gave an answer that cannot be understood. Remove it and try again; if it happens again, contact your Registration Authority (RA).",
        SmartCardException { Error: SmartCardError.CardRemoved } => "The card was removed.",
        SmartCardException { Error: SmartCardError.ServiceUnavailable } => ServiceNotRunning,
        SmartCardException { Error: SmartCardError.CardInUse } => "Another program is using the card. Close it and re-insert the card.",
        SmartCardException => "The card could not be read. Remove it and try again.",
        AgentApiException api => DescribeApi(api),
        UnacceptableChallengeException => ChallengeRefused,
        PasscodeCancelledException => "No passcode was entered. Remove the card and insert it again to log in.",
        Ui.Desktop.PinentryException => "The passcode dialog (pinentry) could not be shown. Please contact IT support.",
        EndOfStreamException => "The agent's input has ended, so it cannot ask for the passcode or the role.",
        _ => "Something went wrong. Remove the card and try again.",
    };

    private static string DescribeApi(AgentApiException api) =>
        api.Code == AgentApiException.Unreachable ? Unreachable
        : api.Code is { } code && RefusalSentences.TryGetValue(code, out var sentence) ? sentence
        : $"Ers could not log you in (error {api.Status}). Remove the card and try again; if it happens again, contact IT support.";

    public const string Unreachable = "Cannot reach Ers. Check the network and try again.";

    /// <summary>The server's challenge was not of the shape the agent signs, so the card signed nothing.</summary>
    public const string ChallengeRefused =
        "Ers sent a login challenge this agent does not accept, so your card was not used. Remove the card; if it happens again, contact IT support.";

    /// <summary>
    /// A login link not on the browsers' origin was neither opened nor shown. Names only the link's scheme and host
    /// (its query would hold the one-time ticket) beside the origin expected, for IT support.
    /// </summary>
    public static string LoginLinkRefused(Uri? link, string expected) =>
        $"Ers sent a browser login address that is not on {expected}, so it was not opened "
        + $"({(link is { IsAbsoluteUri: true } ? $"{link.Scheme}://{link.Authority}" : "not an absolute address")}). Please contact IT support.";

    /// <summary>
    /// A plain sentence for every refusal code the agents' API can return: its own (<see cref="ApiErrorCodes"/>) and
    /// the grains' (<c>RefusalCodes</c> in Ers.Grains.Abstractions, listed in src/Ers.Web/Apis/README.md). The grain
    /// codes are spelled out here because the agent does not reference Orleans; a test enumerates both lists by
    /// reflection and fails when a code has no sentence.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RefusalSentences { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ApiErrorCodes.ClientCertificateMissing] = "This workstation is not registered with Ers. Please contact IT support.",
        [ApiErrorCodes.ClientCertificateInvalid] = "This workstation is not registered with Ers. Please contact IT support.",
        [ApiErrorCodes.ForwardedCertificateUntrusted] = "Ers could not check this workstation's certificate through the network path it came by. Please contact IT support.",
        [ApiErrorCodes.RequestMalformed] = "Ers did not understand this agent's request. Please contact IT support: the agent may need updating.",
        [ApiErrorCodes.RateLimited] = "Too many login attempts for now. Wait a minute and try again.",
        [ApiErrorCodes.RequestTooLarge] = "Ers did not accept this agent's request. Please contact IT support: the agent may need updating.",
        [ApiErrorCodes.CertificateUntrusted] = "This card's certificate is not trusted. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.CertificateExpired] = "This card's certificate has expired. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.CertificateNotYetValid] = "This card's certificate is not valid yet. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.CertificateRevoked] = "This card has been cancelled. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.CertificateKeyUsage] = "This card's certificate cannot be used to log in. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.CertificateNoUserId] = "This card's certificate cannot be used to log in. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.CertificateRevocationUnknown] = "Ers cannot check this card right now. Please try again shortly.",
        [ApiErrorCodes.CertificateExpiresSoon] = "This card's certificate expires soon. Please contact your Registration Authority (RA) for a new card.",
        [ApiErrorCodes.CertificateCardMismatch] = "The certificate on this card belongs to another card. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.CertificateNoCardId] = "This card's certificate does not name its card, so it cannot be used to log in. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.CertificatePolicy] = "This card's certificate is not issued for logging in to Ers. Please contact your Registration Authority (RA).",
        [ApiErrorCodes.ChallengeInvalid] = RetryLogin,
        [ApiErrorCodes.ChallengeExpired] = RetryLogin,
        [ApiErrorCodes.ChallengeUsed] = RetryLogin,
        [ApiErrorCodes.ChallengeOtherWorkstation] = RetryLogin,
        [ApiErrorCodes.AgentOutdated] = "This agent is too old for Ers. Please contact IT support to update it.",
        [ApiErrorCodes.SignatureInvalid] = "The card could not prove its identity. Remove it and try again.",
        [ApiErrorCodes.SessionTokenInvalid] = SessionOver,
        [ApiErrorCodes.StoreUnavailable] = "Ers is temporarily unavailable. Please try again shortly.",
        ["user.unknown"] = "Your card's user is not in the staff directory. Please contact your Registration Authority (RA).",
        ["user.no-role-profiles"] = NoRoles,
        ["session.concurrent-limit"] = "You are already logged in at another workstation. Remove your card there first, then try again.",
        ["role.not-held"] = "You do not hold that role. Remove the card, insert it again and choose another role.",
        ["role.already-chosen"] = "A role was already chosen for this session. Remove the card and insert it again to change role.",
        ["role.not-chosen"] = "Choose a role first. Remove the card and insert it again.",
        ["business-function.not-granted"] = "Your role does not allow this. Choose another role, or contact your Registration Authority (RA).",
        ["business-function.none-granted"] = "Your role allows nothing in this application. Choose another role, or contact your Registration Authority (RA).",
        ["session.unknown"] = SessionOver,
        ["session.ended"] = SessionOver,
        ["session.already-started"] = "This session was started already. Remove the card and insert it again.",
        ["card.blocked"] = "This card is blocked. Please contact your Registration Authority (RA) to unblock it, then insert it again.",
        ["card.revoked"] = "This card has been cancelled. Please contact your Registration Authority (RA).",
        ["card.not-inserted"] = "Ers does not know this card is in a reader. Remove it and insert it again.",
        ["card.other-workstation"] = "This card was last inserted at another workstation. Remove it and insert it again here.",
        ["card.not-blocked"] = "Ers has not seen this card blocked. Remove it and insert it again.",
        ["unblock.no-order"] = "No Registration Authority (RA) has authorised unblocking this card here. Please contact your RA.",
        ["unblock.order-expired"] = "The RA's authorisation to unblock this card has expired. Please ask your Registration Authority (RA) again.",
        ["unblock.other-workstation"] = "The unblock of this card was authorised for another workstation. Please contact your Registration Authority (RA).",
        ["ticket.used"] = LoginLink,
        ["ticket.unknown"] = LoginLink,
        ["ticket.expired"] = LoginLink,
    };

    private const string RetryLogin = "The login took too long or was interrupted. Remove the card and insert it again.";
    private const string SessionOver = "Your session has ended. Remove the card and insert it again.";
    private const string LoginLink = "The browser login link no longer works. Remove the card and insert it again.";
}
