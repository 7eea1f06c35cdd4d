using System.Security.Cryptography;
using Ers.Revocation;

namespace Ers.Grains.Revocation;

/// <summary>
/// The CRL sources of the cluster and what was last read from each: when each is due (its refresh interval, its
/// CRL's nextUpdate, or a doubling back-off after a failure), whether a read changes what is held (verified, not
/// older than the CRL held from the same CA), and the snapshot the web nodes enforce. A refused read keeps the CRL
/// held; the stale window in <see cref="PublishedCrl.UsableUntil"/> decides how long it still counts.
/// </summary>
public sealed class CrlBook
{
    private readonly List<Source> _sources = [];

    /// <summary>One source of one kind (<see cref="CrlOptions.Card"/> or <see cref="CrlOptions.Workstation"/>).</summary>
    public void Add(string kind, string source, CrlOptions options, CrlAuthorities authorities, DateTimeOffset now) =>
        _sources.Add(new Source(kind, source, options, authorities) { NextAttemptAt = now });

    /// <summary>The sources to read now (all of them when <paramref name="force"/>).</summary>
    public IReadOnlyList<(string Source, CrlValidators? Validators, CrlOptions Options)> Due(DateTimeOffset now, bool force) =>
        [.. _sources.Where(s => force || s.NextAttemptAt <= now).Select(s => (s.Location, s.Validators, s.Options))];

    /// <summary>
    /// Records a read of <paramref name="location"/>. Returns true when what is held changed, and the refusal code
    /// (with its detail) when the read was refused.
    /// </summary>
    public (bool Changed, string? Error, string? Detail) Record(string location, CrlRead read, DateTimeOffset now)
    {
        var changed = false;
        string? error = read.Error;
        var detail = read.Detail;
        foreach (var source in _sources.Where(s => s.Location == location))
        {
            if (error is null && read.Bytes is { } bytes)
            {
                try
                {
                    var crl = source.Authorities.Verify(bytes);
                    if (source.Crl is { } held && crl.IssuerHash == held.IssuerHash && crl.ThisUpdate < held.ThisUpdate)
                    {
                        (error, detail) = (CrlReadErrors.Older, $"thisUpdate {crl.ThisUpdate:O} is before the held {held.ThisUpdate:O}");
                    }
                    else
                    {
                        changed |= source.Crl is null || crl.ThisUpdate != source.Crl.ThisUpdate || crl.IssuerHash != source.Crl.IssuerHash
                            || !crl.RevokedSerials.SequenceEqual(source.Crl.RevokedSerials);
                        source.Crl = crl;
                        source.LastLoadedAt = now;
                    }
                }
                catch (CryptographicException e)
                {
                    (error, detail) = (CrlReadErrors.NotVerified, e.Message);
                }
            }

            if (error is null)
            {
                source.Validators = read.Validators;
                source.Failures = 0;
                source.LastError = null;
                source.NextAttemptAt = NextAttempt(now, source.Options, 0, source.Crl?.NextUpdate);
            }
            else
            {
                source.Failures++;
                source.LastError = error;
                // A refused body (too large, not verified) must not be taken for "unchanged" next time.
                source.Validators = null;
                source.NextAttemptAt = NextAttempt(now, source.Options, source.Failures, source.Crl?.NextUpdate);
            }
        }

        return (changed, error, detail);
    }

    /// <summary>
    /// When to read a source next: after a good read at the refresh interval, or at its CRL's nextUpdate if sooner;
    /// after <paramref name="failures"/> failed reads in a row, 1 s, 2 s, 4 s, ... up to <see cref="CrlOptions.CrlRetryMaxDelay"/>.
    /// </summary>
    public static DateTimeOffset NextAttempt(DateTimeOffset now, CrlOptions options, int failures, DateTimeOffset? nextUpdate)
    {
        if (failures > 0)
        {
            var seconds = Math.Pow(2, Math.Min(failures - 1, 30));
            return now + TimeSpan.FromSeconds(Math.Min(seconds, options.CrlRetryMaxDelay.TotalSeconds));
        }

        var due = now + options.CrlRefreshInterval;
        return nextUpdate is { } n && n > now && n < due ? n : due;
    }

    /// <summary>The CRLs held, newest per CA, as the web nodes enforce them.</summary>
    public RevocationSnapshot Snapshot(long version, DateTimeOffset now) => new(
        version,
        Published(CrlOptions.Card),
        Published(CrlOptions.Workstation),
        [.. _sources.Select(s => new CrlSourceStatus(s.Location, s.LastLoadedAt, s.Crl?.ThisUpdate, s.Crl?.NextUpdate,
            s.LastError, s.Failures, s.NextAttemptAt))],
        now);

    /// <summary>
    /// The card certificates (issuer hash, serial) the snapshot revokes that <paramref name="processed"/> does not
    /// hold yet; adds them to it.
    /// </summary>
    public static IReadOnlyList<(string IssuerHash, string Serial)> TakeNewlyRevoked(
        IReadOnlyList<PublishedCrl> crls, Dictionary<string, HashSet<string>> processed)
    {
        var newly = new List<(string, string)>();
        foreach (var crl in crls)
        {
            if (!processed.TryGetValue(crl.IssuerHash, out var seen))
            {
                processed[crl.IssuerHash] = seen = new HashSet<string>(StringComparer.Ordinal);
            }

            foreach (var serial in crl.RevokedSerials)
            {
                if (seen.Add(serial))
                {
                    newly.Add((crl.IssuerHash, serial));
                }
            }
        }

        return newly;
    }

    private List<PublishedCrl> Published(string kind) =>
        [.. _sources.Where(s => s.Kind == kind && s.Crl is not null)
            .GroupBy(s => s.Crl!.IssuerHash)
            .Select(g => g.MaxBy(s => s.Crl!.ThisUpdate)!)
            .Select(s => new PublishedCrl(s.Crl!.IssuerHash, s.Crl.ThisUpdate, s.Crl.NextUpdate,
                s.Crl.NextUpdate + s.Options.CrlMaxStaleness, s.Crl.RevokedSerials))];

    private sealed class Source(string kind, string location, CrlOptions options, CrlAuthorities authorities)
    {
        public string Kind { get; } = kind;
        public string Location { get; } = location;
        public CrlOptions Options { get; } = options;
        public CrlAuthorities Authorities { get; } = authorities;
        public CrlValidators? Validators { get; set; }
        public VerifiedCrl? Crl { get; set; }
        public int Failures { get; set; }
        public string? LastError { get; set; }
        public DateTimeOffset? LastLoadedAt { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; }
    }
}
