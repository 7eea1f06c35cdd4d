using System.Security.Cryptography.X509Certificates;

namespace Ers.Web.Security;

/// <summary>The workstation CAs (<c>Ers:Workstations:TrustedRoots</c>): the only issuers of a workstation's client certificate.</summary>
public sealed record WorkstationAuthorities(X509Certificate2Collection Roots);
