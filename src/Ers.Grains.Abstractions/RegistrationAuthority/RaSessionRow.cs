namespace Ers.RegistrationAuthority;

/// <summary>One live session as an RA sees it.</summary>
[GenerateSerializer, Immutable, Alias("ers.RaSessionRow")]
public sealed record RaSessionRow(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string UserId,
    [property: Id(2)] string UserName,
    [property: Id(3)] string WorkstationId,
    [property: Id(4)] string CardId,
    [property: Id(5)] string? RoleProfileId,
    [property: Id(6)] string? RoleName,
    [property: Id(7)] string? OdsCode,
    [property: Id(8)] string? OrganisationName,
    [property: Id(9)] DateTimeOffset Since,
    [property: Id(10)] DateTimeOffset LastActivityAt);
