namespace Ers.Staff;

/// <summary>
/// The answer to <see cref="IUserGrain.ReplaceProfileAsync"/>: the entry it replaced (null for a new user) and the
/// user's live sessions at that moment, so the caller can end the ones whose role the change made stale.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.ProfileReplaced")]
public sealed record ProfileReplaced(
    [property: Id(0)] StaffUser? Before,
    [property: Id(1)] IReadOnlyList<LiveSessionRef> LiveSessions);
