using System.Diagnostics.Metrics;
using Ers.Grains;
using Ers.Grains.Telemetry;
using Ers.Sessions;
using Ers.Staff;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Ers.Observability.Tests;

/// <summary>The Ers instruments on their own, from a service provider with its own meter factory and a fake clock.</summary>
public sealed class ErsMetricsTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public ErsMetricsTests()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddKeyedSingleton<TimeProvider>(ErsTime.Key, _clock);
        services.AddSingleton<ErsMetrics>();
        _services = services.BuildServiceProvider();
    }

    private ErsMetrics Metrics => _services.GetRequiredService<ErsMetrics>();

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(_services.GetRequiredService<IMeterFactory>(), ErsMetrics.MeterName, instrument);

    [Fact]
    public void A_login_is_counted_with_its_outcome_and_reason_and_timed_in_seconds()
    {
        using var logins = Collect<long>("ers.logins");
        using var duration = Collect<double>("ers.login.duration");
        var metrics = Metrics;

        metrics.LoginCompleted(null, TimeSpan.FromMilliseconds(250));
        metrics.LoginCompleted(RefusalCodes.CardRevoked, TimeSpan.FromMilliseconds(40));

        Assert.Collection(logins.GetMeasurementSnapshot(),
            m => Assert.Equal(("success", "none"), ((string)m.Tags["ers.outcome"]!, (string)m.Tags["ers.reason"]!)),
            m => Assert.Equal(("failure", "card.revoked"), ((string)m.Tags["ers.outcome"]!, (string)m.Tags["ers.reason"]!)));
        Assert.Equal([0.25, 0.04], duration.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal("s", duration.Instrument!.Unit);
    }

    [Fact]
    public void An_active_session_is_counted_once_and_uncounted_once()
    {
        using var active = Collect<long>("ers.sessions.active");
        var session = Metrics.NewActiveSession();
        var provider = new RoleProfile("555021935107", "RYY", "Trust", "R8000", "Clinical", ["B1110"]);

        session.Enter(provider);
        session.Enter(provider);
        session.Leave();
        session.Leave();

        Assert.Equal([1L, -1L], active.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.All(active.GetMeasurementSnapshot(), m => Assert.Equal("provider", m.Tags["ers.organisation.kind"]));
    }

    [Fact]
    public void Session_ends_carry_the_stable_reason_code()
    {
        using var ended = Collect<long>("ers.sessions.ended");
        Metrics.SessionEnded(SessionEndReason.IdleTimeout);
        Assert.Equal("idle-timeout", Assert.Single(ended.GetMeasurementSnapshot()).Tags["ers.session.end_reason"]);
    }

    [Fact]
    public void The_crl_age_is_absent_until_a_crl_is_loaded_then_counts_from_its_this_update()
    {
        using var age = Collect<double>("ers.crl.age");
        var metrics = Metrics;
        age.RecordObservableInstruments();
        Assert.Empty(age.GetMeasurementSnapshot());

        metrics.CrlLoaded(_clock.GetUtcNow() - TimeSpan.FromHours(3));
        _clock.Advance(TimeSpan.FromMinutes(30));
        age.RecordObservableInstruments();

        Assert.Equal(3.5 * 3600, Assert.Single(age.GetMeasurementSnapshot()).Value);
    }

    [Theory]
    [InlineData("referrer", "B1101")]
    [InlineData("referrer", "B1110", "B1103")]
    [InlineData("provider", "B1110", "B1107")]
    [InlineData("other", "B1106")]
    [InlineData("other")]
    public void The_organisation_kind_follows_the_homepages_the_role_grants(string kind, params string[] activities) =>
        Assert.Equal(kind, OrganisationKind.Of(new RoleProfile("555021935107", "RYY", "Trust", "R8000", "Clinical", activities)));

    public void Dispose() => _services.Dispose();
}
