namespace Ers.Web.Security;

/// <summary>The revocation status of one certificate according to the CRLs held now.</summary>
public enum RevocationStatus
{
    Good = 0,
    Revoked = 1,

    /// <summary>No CRL from the issuer, or only a stale one under <see cref="StaleCrlPolicy.FailClosed"/>.</summary>
    Unknown = 2,
}
