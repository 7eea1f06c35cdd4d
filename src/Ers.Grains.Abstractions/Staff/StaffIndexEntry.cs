namespace Ers.Staff;

/// <summary>A user as an organisation's staff index holds them: enough to find them by name.</summary>
[GenerateSerializer, Immutable, Alias("ers.StaffIndexEntry")]
public sealed record StaffIndexEntry([property: Id(0)] string UserId, [property: Id(1)] string Name);
