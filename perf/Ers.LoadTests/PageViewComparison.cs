namespace Ers.LoadTests;

/// <summary>Ers against the baseline: medians over the slices of each.</summary>
public sealed record PageViewComparison(double ErsMedianRps, double BaselineMedianRps, double ThroughputRatio, double ErsMedianP99Ms, double BaselineMedianP99Ms, double P99Ratio)
{
    public static PageViewComparison? From(IReadOnlyList<PageViewSlice> slices)
    {
        var ers = slices.Where(s => s.Target == "ers").ToList();
        var baseline = slices.Where(s => s.Target == "baseline").ToList();
        if (ers.Count == 0 || baseline.Count == 0)
        {
            return null;
        }

        var ersRps = Median(ers.Select(s => s.RequestsPerSecond));
        var blRps = Median(baseline.Select(s => s.RequestsPerSecond));
        var ersP99 = Median(ers.Select(s => s.P99Ms));
        var blP99 = Median(baseline.Select(s => s.P99Ms));
        return new PageViewComparison(ersRps, blRps, blRps > 0 ? Math.Round(ersRps / blRps, 2) : 0, ersP99, blP99,
            blP99 > 0 ? Math.Round(ersP99 / blP99, 2) : 0);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
