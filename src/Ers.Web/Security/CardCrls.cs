namespace Ers.Web.Security;

/// <summary>The smartcard CAs' CRLs (a distinct type so DI can tell the two stores apart).</summary>
public sealed record CardCrls(CrlStore Store);
