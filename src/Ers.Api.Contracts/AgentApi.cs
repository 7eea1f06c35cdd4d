namespace Ers.Api;

/// <summary>
/// The agents' HTTPS API (mutual TLS: the workstation is the client certificate). Every refusal is an RFC 7807
/// problem details body whose <c>code</c> extension is one of <see cref="ApiErrorCodes"/>.
/// </summary>
public static class AgentApiRoutes
{
    public const string Prefix = "/api/agent/v1";
    public const string CardInserted = Prefix + "/cards/inserted";
    public const string CardAuthenticate = Prefix + "/cards/authenticate";
    public const string CardRemoved = Prefix + "/cards/removed";
    public const string CardBlocked = Prefix + "/cards/blocked";
    public const string SelectRole = Prefix + "/sessions/role";
    public const string Logout = Prefix + "/sessions/logout";
    public const string BrowserTicket = Prefix + "/sessions/ticket";
    public const string Heartbeat = Prefix + "/heartbeat";
}

/// <summary>A card was inserted: its id (from the CHUID) and its PIV Authentication certificate, DER.</summary>
public sealed record CardInsertedRequest(string CardId, byte[] Certificate);

/// <summary>
/// The challenge the card must sign with its PIV Authentication key. <see cref="ChallengeToken"/> is opaque and
/// goes back unchanged with the signature; <see cref="Challenge"/> is the bytes to sign (at least 32 random bytes).
/// </summary>
public sealed record CardInsertedResponse(
    string ChallengeToken,
    byte[] Challenge,
    DateTimeOffset ExpiresAt,
    string SignatureAlgorithm,
    CertificateWarning? Warning);

/// <summary>A warning the agent shows but which does not stop the login, e.g. a certificate that expires soon.</summary>
public sealed record CertificateWarning(string Code, string Message, DateTimeOffset NotAfter);

/// <summary>The card's signature over <see cref="CardInsertedResponse.Challenge"/>.</summary>
public sealed record CardAuthenticateRequest(string ChallengeToken, byte[] Signature);

/// <summary>A role profile as the agent lists it.</summary>
public sealed record RoleProfileDto(
    string RoleProfileId,
    string OdsCode,
    string OrganisationName,
    string JobRoleCode,
    string JobRoleName);

/// <summary>
/// A session as the agent sees it. <see cref="SessionToken"/> is opaque and authenticated by Ers; the agent sends it
/// back on every later call for this session. <see cref="State"/> is <c>AwaitingRole</c> or <c>Active</c>.
/// </summary>
public sealed record SessionResponse(
    string SessionToken,
    string State,
    string UserName,
    IReadOnlyList<RoleProfileDto> RoleProfiles,
    RoleProfileDto? Role,
    CertificateWarning? Warning);

public sealed record SelectRoleRequest(string SessionToken, string RoleProfileId);

public sealed record SessionRequest(string SessionToken);

public sealed record CardRemovedRequest(string CardId);

/// <summary>The agent is alive; <see cref="SessionTokens"/> are the sessions of cards currently in its readers.</summary>
public sealed record HeartbeatRequest(IReadOnlyList<string> SessionTokens);

/// <summary>A one-time, short-lived URL that logs the browser in to this session.</summary>
public sealed record BrowserTicketResponse(Uri LoginUrl, DateTimeOffset ExpiresAt);

/// <summary>The stable <c>code</c> values of the API's problem details. Each has one meaning forever.</summary>
public static class ApiErrorCodes
{
    public const string ClientCertificateMissing = "workstation.certificate-missing";
    public const string ClientCertificateInvalid = "workstation.certificate-invalid";
    public const string RequestMalformed = "request.malformed";
    public const string RequestTooLarge = "request.too-large";
    public const string CertificateUntrusted = "certificate.untrusted";
    public const string CertificateExpired = "certificate.expired";
    public const string CertificateNotYetValid = "certificate.not-yet-valid";
    public const string CertificateRevoked = "certificate.revoked";
    public const string CertificateKeyUsage = "certificate.key-usage";
    public const string CertificateNoUserId = "certificate.no-user-id";
    public const string CertificateRevocationUnknown = "certificate.revocation-unknown";
    public const string CertificateExpiresSoon = "certificate.expires-soon";

    /// <summary>The certificate names its card (<c>urn:uuid:</c> alternative name) and it is not the card reported.</summary>
    public const string CertificateCardMismatch = "certificate.card-mismatch";

    /// <summary>The certificate names no card (no <c>urn:uuid:</c> alternative name), so the card reported cannot be checked.</summary>
    public const string CertificateNoCardId = "certificate.no-card-id";

    /// <summary>The certificate lacks a certificate policy OID the deployment requires.</summary>
    public const string CertificatePolicy = "certificate.policy";
    public const string ChallengeInvalid = "challenge.invalid";
    public const string ChallengeExpired = "challenge.expired";
    public const string ChallengeUsed = "challenge.used";
    public const string ChallengeOtherWorkstation = "challenge.other-workstation";
    public const string SignatureInvalid = "signature.invalid";
    public const string SessionTokenInvalid = "session.token-invalid";
    public const string StoreUnavailable = "service.store-unavailable";

    /// <summary>Too many requests from this address, workstation, card or user: retry after <c>Retry-After</c> seconds.</summary>
    public const string RateLimited = "request.rate-limited";
}
