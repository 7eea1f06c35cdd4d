namespace Ers.Web.Security;

/// <summary>What a browser ticket token carries.</summary>
public sealed record BrowserTicketClaims(string SessionId, string TicketId, DateTimeOffset ExpiresAt);
