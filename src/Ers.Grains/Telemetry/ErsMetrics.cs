using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ers.Sessions;
using Ers.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Grains.Telemetry;

/// <summary>
/// The <c>Ers</c> meter: what operators watch (logins, sessions, PIN lockouts, certificates, lost agents).
/// Attributes carry only bounded, non-personal values (outcomes, stable refusal codes, end reasons, organisation
/// kinds, business functions): never a user UUID, name, card id, workstation or session id, so a label can
/// neither identify a person nor grow without bound. Created from the host's <see cref="IMeterFactory"/> so each
/// host (and each test host) has its own instruments.
/// </summary>
public sealed class ErsMetrics
{
    public const string MeterName = "Ers";

    public const string OutcomeSuccess = "success";
    public const string OutcomeFailure = "failure";

    private readonly Counter<long> _logins;
    private readonly Histogram<double> _loginDuration;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Counter<long> _sessionsEnded;
    private readonly Counter<long> _pinLockouts;
    private readonly Counter<long> _roleSelections;
    private readonly Counter<long> _businessFunctionSelections;
    private readonly Counter<long> _certificateValidations;
    private readonly Counter<long> _heartbeatsLost;
    private readonly Counter<long> _unidentifiedRequests;
    private readonly Counter<long> _rateLimitedRequests;
    private readonly Counter<long> _crlRefusals;
    private readonly TimeProvider _time;
    private long _crlThisUpdateTicks = long.MinValue;

    public ErsMetrics(IMeterFactory meterFactory, [FromKeyedServices(ErsTime.Key)] TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _logins = meter.CreateCounter<long>("ers.logins", "{login}",
            "Completed login attempts (a card proved itself and a session was or was not started), by outcome and reason.");
        _loginDuration = meter.CreateHistogram<double>("ers.login.duration", "s",
            "Time to decide a login, from the proven card to the started (or refused) session.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _activeSessions = meter.CreateUpDownCounter<long>("ers.sessions.active", "{session}",
            "Sessions with a chosen role held by this silo's activations, by organisation kind.");
        _sessionsEnded = meter.CreateCounter<long>("ers.sessions.ended", "{session}", "Sessions ended, by reason.");
        _pinLockouts = meter.CreateCounter<long>("ers.pin.lockouts", "{card}", "Cards whose PIN the agent reported blocked.");
        _roleSelections = meter.CreateCounter<long>("ers.role.selections", "{selection}",
            "Session roles chosen (automatically or by the user), by organisation kind.");
        _businessFunctionSelections = meter.CreateCounter<long>("ers.business_function.selections", "{selection}",
            "Business functions chosen, by function.");
        _certificateValidations = meter.CreateCounter<long>("ers.certificate.validations", "{validation}",
            "Card certificate validations, by result.");
        meter.CreateObservableGauge("ers.crl.age", ObserveCrlAge, "s",
            "Age of the newest certificate revocation list loaded (now minus its thisUpdate); absent until one is loaded.");
        _heartbeatsLost = meter.CreateCounter<long>("ers.heartbeats.lost", "{workstation}",
            "Workstations whose agent stopped sending heartbeats while it carried sessions (their sessions were ended).");
        _unidentifiedRequests = meter.CreateCounter<long>("ers.requests.unidentified", "{request}",
            "Requests refused before their workstation (or browser ticket) was identified, by code: counted, not audited one each.");
        _rateLimitedRequests = meter.CreateCounter<long>("ers.requests.rate_limited", "{request}",
            "Requests refused by a rate limit, by limit (address, workstation, card, user): counted, not audited one each.");
        _crlRefusals = meter.CreateCounter<long>("ers.crl.refusals", "{read}",
            "CRL reads refused (too large, too slow, unreadable, not verified), by reason: the CRL held before is kept.");
    }

    /// <summary>A login was decided: <paramref name="refusalCode"/> is null for success, else the stable refusal code.</summary>
    public void LoginCompleted(string? refusalCode, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "ers.outcome", refusalCode is null ? OutcomeSuccess : OutcomeFailure },
            { "ers.reason", refusalCode ?? "none" },
        };
        _logins.Add(1, tags);
        _loginDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>
    /// A login the agents' API refused before any grain decided it (bad card certificate, expired, foreign or replayed
    /// challenge, bad signature): counted in <c>ers.logins</c> as a failure with its stable code, but not timed, since
    /// <c>ers.login.duration</c> measures decisions about a proven card. Grain refusals are counted by the grain only.
    /// </summary>
    public void LoginRefused(string refusalCode) =>
        _logins.Add(1, new TagList { { "ers.outcome", OutcomeFailure }, { "ers.reason", refusalCode } });

    /// <summary>Measures a login from now; dispose-free: call <see cref="LoginTimer.Complete"/> once decided.</summary>
    public LoginTimer StartLogin() => new(this, Stopwatch.GetTimestamp());

    public void SessionEnded(SessionEndReason reason) =>
        _sessionsEnded.Add(1, new KeyValuePair<string, object?>("ers.session.end_reason", SessionEndReasons.Code(reason)));

    public void PinLockedOut() => _pinLockouts.Add(1);

    public void RoleSelected(RoleProfile role) =>
        _roleSelections.Add(1, new KeyValuePair<string, object?>("ers.organisation.kind", OrganisationKind.Of(role)));

    public void BusinessFunctionSelected(BusinessFunction function) =>
        _businessFunctionSelections.Add(1, new KeyValuePair<string, object?>("ers.business_function", BusinessFunctions.Get(function).ActivityCode));

    /// <summary>A card certificate was checked; <paramref name="result"/> is <c>valid</c> or a stable failure code.</summary>
    public void CertificateValidated(string result) =>
        _certificateValidations.Add(1, new KeyValuePair<string, object?>("ers.result", result));

    /// <summary>A revocation list was loaded; <c>ers.crl.age</c> counts from its <paramref name="thisUpdate"/>.</summary>
    public void CrlLoaded(DateTimeOffset thisUpdate) => Interlocked.Exchange(ref _crlThisUpdateTicks, thisUpdate.UtcTicks);

    public void HeartbeatLost() => _heartbeatsLost.Add(1);

    /// <summary>A CRL read was refused; <paramref name="reason"/> is its stable code (<c>crl.too-large</c>, ...).</summary>
    public void CrlRefused(string reason) => _crlRefusals.Add(1, new KeyValuePair<string, object?>("ers.reason", reason));

    /// <summary>A request refused before anyone was identified; <paramref name="code"/> is its stable refusal code.</summary>
    public void RequestUnidentified(string code) =>
        _unidentifiedRequests.Add(1, new KeyValuePair<string, object?>("ers.reason", code));

    /// <summary>A request refused by the rate limit named <paramref name="limit"/> (address, workstation, card, user).</summary>
    public void RequestRateLimited(string limit) =>
        _rateLimitedRequests.Add(1, new KeyValuePair<string, object?>("ers.limit", limit));

    /// <summary>A fresh tracker for one session activation's contribution to <c>ers.sessions.active</c>.</summary>
    public ActiveSession NewActiveSession() => new(_activeSessions);

    private IEnumerable<Measurement<double>> ObserveCrlAge()
    {
        var ticks = Interlocked.Read(ref _crlThisUpdateTicks);
        if (ticks == long.MinValue)
        {
            return [];
        }

        return [new Measurement<double>((_time.GetUtcNow() - new DateTimeOffset(ticks, TimeSpan.Zero)).TotalSeconds)];
    }

    /// <summary>Times one login; the outcome is recorded once with the elapsed time.</summary>
    public readonly struct LoginTimer(ErsMetrics metrics, long started)
    {
        public void Complete(string? refusalCode) => metrics.LoginCompleted(refusalCode, Stopwatch.GetElapsedTime(started));
    }
}
