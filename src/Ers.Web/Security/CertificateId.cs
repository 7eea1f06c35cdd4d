namespace Ers.Web.Security;

/// <summary>
/// A certificate as a CRL names it: the issuing CA (SHA-256 of the CA certificate, hex) and the serial number
/// (upper-case hex, no leading zero bytes).
/// </summary>
public readonly record struct CertificateId(string IssuerHash, string SerialNumber);
