using System.Numerics;

namespace Ers.LoadTests;

/// <summary>
/// A log-bucketed latency histogram in microseconds, in the manner of HdrHistogram: 64 linear sub-buckets per power
/// of two, so every recorded value is kept within about 1.6 % while the whole range (1 us to days) costs 19 KB.
/// Recording is lock-free (one interlocked increment), so many journeys can share one histogram.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int BucketCount = (64 - SubBucketBits) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _sum;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public long MaxMicroseconds => Interlocked.Read(ref _max);

    public double MeanMicroseconds => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        var seen = Interlocked.Read(ref _max);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref _max, value, seen);
            if (previous == seen)
            {
                break;
            }

            seen = previous;
        }
    }

    public void RecordElapsed(long startTimestamp) =>
        Record((long)System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds);

    /// <summary>The value below which <paramref name="percentile"/> % of recorded values fall (bucket midpoint).</summary>
    public long Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * total));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(MidpointOf(i), MaxMicroseconds);
            }
        }

        return MaxMicroseconds;
    }

    /// <summary>Adds another histogram's counts to this one (interval histograms fold into the run's total).</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            var c = Interlocked.Read(ref other._counts[i]);
            if (c != 0)
            {
                Interlocked.Add(ref _counts[i], c);
            }
        }

        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, Interlocked.Read(ref other._sum));
        var max = other.MaxMicroseconds;
        if (max > MaxMicroseconds)
        {
            Interlocked.Exchange(ref _max, max);
        }
    }

    public LatencySummary Summarise() => new(Count, MeanMicroseconds / 1000.0, Percentile(50) / 1000.0,
        Percentile(95) / 1000.0, Percentile(99) / 1000.0, Percentile(99.9) / 1000.0, MaxMicroseconds / 1000.0);

    internal static int IndexOf(long value)
    {
        if (value < 2 * SubBuckets)
        {
            return (int)value;
        }

        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - SubBucketBits;
        return ((shift + 1) * SubBuckets) + (int)(value >> shift) - SubBuckets;
    }

    internal static long LowestOf(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return index;
        }

        var shift = (index / SubBuckets) - 1;
        return (long)((index % SubBuckets) + SubBuckets) << shift;
    }

    private static long MidpointOf(int index)
    {
        var low = LowestOf(index);
        var width = index < 2 * SubBuckets ? 1 : 1L << ((index / SubBuckets) - 1);
        return low + ((width - 1) / 2);
    }
}
