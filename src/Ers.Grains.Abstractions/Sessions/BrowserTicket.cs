namespace Ers.Sessions;

/// <summary>A one-time browser ticket issued for a session (the web front end exchanges it for a cookie).</summary>
[GenerateSerializer, Immutable, Alias("ers.BrowserTicket")]
public sealed record BrowserTicket(
    [property: Id(0)] string TicketId,
    [property: Id(1)] DateTimeOffset ExpiresAt);
