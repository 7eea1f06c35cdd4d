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

    public static string WrongPin(int triesLeft) => triesLeft == 1
        ? "Wrong passcode. 1 try left before the card is blocked."
        : $"Wrong passcode. {triesLeft} tries left.";

    public static string Active(SessionResponse session, RoleProfileDto role) =>
        $"Active: {session.UserName} - {role.JobRoleName} - {role.OrganisationName}";

    public static string Describe(Exception exception) => exception switch
    {
        PivException { Error: PivError.NotPivCard } => "This card is not a smartcard Ers can use (no PIV application).",
        PivException { Error: PivError.ObjectNotFound } => "This card has no identity certificate. Please contact your Registration Authority (RA).",
        PivException { Error: PivError.UnsupportedCertificate } => "The certificate on this card cannot be used. Please contact your Registration Authority (RA).",
        PivException { Error: PivError.PinFormat } => PinShape,
        PivException => "The card gave an answer that cannot be understood. Remove it and try again; if it happens again, contact your Registration Authority (RA).",
        SmartCardException { Error: SmartCardError.CardRemoved } => "The card was removed.",
        SmartCardException { Error: SmartCardError.ServiceUnavailable } => ServiceNotRunning,
        SmartCardException { Error: SmartCardError.CardInUse } => "Another program is using the card. Close it and re-insert the card.",
        SmartCardException => "The card could not be read. Remove it and try again.",
        AgentApiException api => DescribeApi(api),
        EndOfStreamException => "The agent's input has ended, so it cannot ask for the passcode or the role.",
        _ => "Something went wrong. Remove the card and try again.",
    };

    private static string DescribeApi(AgentApiException api) => api.Code switch
    {
        AgentApiException.Unreachable => "Cannot reach Ers. Check the network and try again.",
        ApiErrorCodes.ClientCertificateMissing or ApiErrorCodes.ClientCertificateInvalid =>
            "This workstation is not registered with Ers. Please contact IT support.",
        ApiErrorCodes.CertificateUntrusted => "This card's certificate is not trusted. Please contact your Registration Authority (RA).",
        ApiErrorCodes.CertificateExpired => "This card's certificate has expired. Please contact your Registration Authority (RA).",
        ApiErrorCodes.CertificateNotYetValid => "This card's certificate is not valid yet. Please contact your Registration Authority (RA).",
        ApiErrorCodes.CertificateRevoked => "This card has been cancelled. Please contact your Registration Authority (RA).",
        ApiErrorCodes.CertificateKeyUsage or ApiErrorCodes.CertificateNoUserId =>
            "This card's certificate cannot be used to log in. Please contact your Registration Authority (RA).",
        ApiErrorCodes.CertificateRevocationUnknown => "Ers cannot check this card right now. Please try again shortly.",
        ApiErrorCodes.ChallengeExpired or ApiErrorCodes.ChallengeUsed or ApiErrorCodes.ChallengeInvalid or ApiErrorCodes.ChallengeOtherWorkstation =>
            "The login took too long or was interrupted. Remove the card and insert it again.",
        ApiErrorCodes.SignatureInvalid => "The card could not prove its identity. Remove it and try again.",
        ApiErrorCodes.SessionTokenInvalid => "Your session has ended. Remove the card and insert it again.",
        ApiErrorCodes.StoreUnavailable => "Ers is temporarily unavailable. Please try again shortly.",
        _ => $"Ers refused the login ({api.Status}{(api.Code is null ? "" : ", " + api.Code)}).",
    };
}
