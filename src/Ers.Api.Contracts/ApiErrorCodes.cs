namespace Ers.Api;

/// <summary>The stable <c>code</c> values of the API's problem details. Each has one meaning forever.</summary>
public static class ApiErrorCodes
{
    public const string ClientCertificateMissing = "workstation.certificate-missing";
    public const string ClientCertificateInvalid = "workstation.certificate-invalid";
    public const string RequestMalformed = "request.malformed";

    /// <summary>The admin API was called without the cookie of a live browser session (or with one of an ended session).</summary>
    public const string SessionRequired = "session.required";
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

    /// <summary>
    /// The agent does not sign login statements (<see cref="LoginStatement.Protocol"/>): it would sign the challenge's
    /// raw bytes. Refused at <c>cards/inserted</c>, before a challenge is issued; the agent must be updated.
    /// </summary>
    public const string AgentOutdated = "agent.outdated";

    /// <summary>
    /// The signature does not verify over the login statement the server rebuilds (its own origin, the workstation of
    /// the client certificate, the card and challenge of the token): a forged one, one by another key, or one over
    /// another statement or over the challenge's raw bytes.
    /// </summary>
    public const string SignatureInvalid = "signature.invalid";
    public const string SessionTokenInvalid = "session.token-invalid";
    public const string StoreUnavailable = "service.store-unavailable";

    /// <summary>Too many requests from this address, workstation, card or user: retry after <c>Retry-After</c> seconds.</summary>
    public const string RateLimited = "request.rate-limited";

    /// <summary>
    /// A request named a client certificate in the forwarded-certificate header without coming from the ingress (a
    /// connection to the ingress port with the ingress's own certificate): refused before anything reads it.
    /// </summary>
    public const string ForwardedCertificateUntrusted = "workstation.forwarded-untrusted";
}
