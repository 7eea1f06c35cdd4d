namespace Ers.LoadTests;

/// <summary>What a resilience run found: sessions lost, logins failed after the fault, and how long until logins worked again.</summary>
public sealed record ResilienceResult(
    string? Fault,
    double? FaultAt,
    string? Recover,
    double? RecoverAt,
    int HeldSessions,
    int LostSessions,
    IReadOnlyDictionary<string, int> LostByCode,
    long FailedLoginsAfterFault,
    double? RecoverySeconds)
{
    /// <summary>
    /// Recovery: from the fault to the start of the first 3 s in which there is no error, logins run at 80 % of the
    /// target rate or more, and login p99 is within twice its median before the fault (a stall with no errors is not
    /// recovered).
    /// </summary>
    public static ResilienceResult From(JourneySettings settings, IReadOnlyList<TimePoint> series, double? faultAt, double? recoverAt,
        int held, int lost, IReadOnlyDictionary<string, int> lostByCode)
    {
        double? recovery = null;
        long failed = 0;
        if (faultAt is { } f)
        {
            var before = series.Where(p => p.Second <= f && p.Second > settings.RampSeconds + 1 && p.Logins > 0).Select(p => p.LoginP99Ms).Order().ToList();
            var normalP99 = before.Count > 0 ? before[before.Count / 2] : double.MaxValue;
            var after = series.Where(p => p.Second > f && p.Phase != "drain" && p.TargetRate > 0).ToList();
            failed = series.Where(p => p.Second > f).Sum(p => p.Errors);
            bool Good(TimePoint p) => p.Errors == 0 && p.Logins >= 0.8 * p.TargetRate && p.LoginP99Ms <= 2 * normalP99;
            for (var i = 0; i + 2 < after.Count; i++)
            {
                if (Good(after[i]) && Good(after[i + 1]) && Good(after[i + 2]))
                {
                    // The sample at second s covers (s-1, s]: the good window starts one second before it.
                    recovery = Math.Max(0, Math.Round(after[i].Second - 1 - f, 1));
                    break;
                }
            }
        }

        return new ResilienceResult(settings.Fault, faultAt, settings.Recover, recoverAt, held, lost, lostByCode, failed, recovery);
    }
}
