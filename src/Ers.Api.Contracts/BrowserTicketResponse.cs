namespace Ers.Api;

/// <summary>A one-time, short-lived URL that logs the browser in to this session.</summary>
public sealed record BrowserTicketResponse(Uri LoginUrl, DateTimeOffset ExpiresAt);
