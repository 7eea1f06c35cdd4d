namespace Ers.Web.Browser;

/// <summary>What a login link's token names, once it is proved authentic.</summary>
public sealed record BrowserTicketRef(string SessionId, string TicketId);
