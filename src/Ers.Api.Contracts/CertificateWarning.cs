namespace Ers.Api;

/// <summary>A warning the agent shows but which does not stop the login, e.g. a certificate that expires soon.</summary>
public sealed record CertificateWarning(string Code, string Message, DateTimeOffset NotAfter);
