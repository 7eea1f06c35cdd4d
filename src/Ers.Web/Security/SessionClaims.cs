namespace Ers.Web.Security;

/// <summary>
/// What a session token carries: the session, the workstation it was issued to (a token presented by another
/// workstation is refused), the card and user, and the certificate the card proved itself with (so a later
/// revocation ends the session on any node).
/// </summary>
public sealed record SessionClaims(
    string SessionId,
    string WorkstationId,
    string CardId,
    string UserId,
    CertificateId Certificate,
    DateTimeOffset ExpiresAt);
