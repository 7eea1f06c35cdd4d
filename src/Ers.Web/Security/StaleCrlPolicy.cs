namespace Ers.Web.Security;

/// <summary>What to do when the CRL for a certificate's issuer is past its nextUpdate and could not be refreshed.</summary>
public enum StaleCrlPolicy
{
    /// <summary>Refuse with <c>certificate.revocation-unknown</c> (the default: fail closed).</summary>
    FailClosed = 0,

    /// <summary>Keep using the last good CRL (revoked serials on it are still refused).</summary>
    UseLastKnown = 1,
}
