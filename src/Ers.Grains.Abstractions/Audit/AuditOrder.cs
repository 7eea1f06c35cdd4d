namespace Ers.Audit;

/// <summary>
/// The one order of audit search results, the same in every trail: time to the microsecond (what PostgreSQL keeps),
/// then id compared byte by byte in RFC 4122 order (how PostgreSQL compares <c>uuid</c>).
/// </summary>
public static class AuditOrder
{
    internal static readonly long MinMicroseconds = Microseconds(DateTimeOffset.MinValue);
    internal static readonly long MaxMicroseconds = Microseconds(DateTimeOffset.MaxValue);

    /// <summary>A time cut to whole microseconds, in UTC.</summary>
    public static DateTimeOffset Normalise(DateTimeOffset time)
    {
        var utc = time.UtcTicks;
        return new DateTimeOffset(utc - (utc % 10), TimeSpan.Zero);
    }

    public static int Compare(DateTimeOffset time1, Guid id1, DateTimeOffset time2, Guid id2)
    {
        var byTime = Normalise(time1).CompareTo(Normalise(time2));
        return byTime != 0 ? byTime : CompareIds(id1, id2);
    }

    public static int Compare(AuditRecord a, AuditRecord b) => Compare(a.Time, a.Id, b.Time, b.Id);

    /// <summary>Ids as PostgreSQL orders <c>uuid</c>: the 16 bytes of the text form, left to right, unsigned.</summary>
    public static int CompareIds(Guid a, Guid b)
    {
        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        a.TryWriteBytes(x, bigEndian: true, out _);
        b.TryWriteBytes(y, bigEndian: true, out _);
        return x.SequenceCompareTo(y);
    }

    internal static long Microseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    internal static DateTimeOffset FromMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * 10), TimeSpan.Zero);
}
