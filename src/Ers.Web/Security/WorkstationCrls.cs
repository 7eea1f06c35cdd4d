namespace Ers.Web.Security;

/// <summary>The workstation CAs' CRLs.</summary>
public sealed record WorkstationCrls(CrlStore Store);
