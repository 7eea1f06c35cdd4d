namespace Ers.Audit;

/// <summary>
/// One page of an audit search, in (time, id) order. <see cref="NextCursor"/> is null on the last page; passed back as
/// <see cref="AuditQuery.Cursor"/> with the same filters it gives the page after, so following the cursors visits every
/// matching record exactly once, whichever trail answers.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] IReadOnlyList<AuditRecord> Records,
    [property: Id(1)] string? NextCursor);
