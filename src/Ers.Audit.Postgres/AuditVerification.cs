namespace Ers.Audit.Postgres;

/// <summary>
/// What <see cref="AuditTrailVerifier"/> found: links checked, chains, the first problems (at most
/// <see cref="AuditTrailVerifier.MaxProblems"/>), and records without a link, stored before the chain table existed
/// (<see cref="UnchainedBefore"/>, expected after an upgrade) or since (<see cref="UnchainedSince"/>, never expected).
/// </summary>
public sealed record AuditVerification(long Links, int Chains, IReadOnlyList<string> Problems, long UnchainedBefore, long UnchainedSince)
{
    public bool Intact => Problems.Count == 0 && UnchainedSince == 0;

    public string Describe(bool keyed)
    {
        var summary = $"{Links} records in {Chains} chains checked ({(keyed ? "HMAC-SHA256, keyed" : "SHA-256, no key: edits by someone who can recompute hashes are not found")})";
        var before = UnchainedBefore > 0 ? $"; {UnchainedBefore} records from before the chain existed are not covered" : "";
        if (Intact)
        {
            return $"Audit trail intact: {summary}{before}.";
        }

        var since = UnchainedSince > 0 ? $"{Environment.NewLine}{UnchainedSince} records stored since the chain existed have no link (inserted around the writers, or by a writer without the chain)." : "";
        return $"Audit trail BROKEN: {summary}{before}.{Environment.NewLine}{string.Join(Environment.NewLine, Problems)}{since}";
    }
}
