using Microsoft.Extensions.Time.Testing;

namespace Ers.Cluster.Tests;

/// <summary>
/// The rules of one request's grain-call budget (src/Ers.Cluster/GrainCallBudget.cs), on a fake clock: what an attempt
/// may wait, when a retry may start, when the request must answer unavailable at once.
/// </summary>
public sealed class GrainCallBudgetTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(2500);
    private static readonly TimeSpan IdempotentAttempt = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void What_is_left_counts_down_from_the_start_and_never_below_zero()
    {
        var budget = new GrainCallBudget(_time, Budget);
        Assert.Equal(Budget, budget.Remaining);

        _time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(TimeSpan.FromMilliseconds(1600), budget.Remaining);
        Assert.Equal(TimeSpan.FromMilliseconds(900), budget.Elapsed);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, budget.Remaining);
    }

    [Fact]
    public void Several_calls_in_a_row_are_waited_on_no_longer_together_than_the_budget()
    {
        var budget = new GrainCallBudget(_time, Budget);
        var waited = TimeSpan.Zero;
        var calls = 0;
        // Each call gets no answer (a silo SIGKILL) and is given up after what was left for it, call after call.
        while (!budget.IsExhausted)
        {
            var wait = budget.Remaining < IdempotentAttempt ? budget.Remaining : IdempotentAttempt;
            _time.Advance(wait);
            waited += wait;
            calls++;
        }

        Assert.Equal(Budget, waited);
        Assert.Equal(3, calls);
        Assert.Equal(TimeSpan.Zero, budget.Remaining);
    }

    [Fact]
    public void A_retry_starts_only_if_an_attempt_still_fits_after_its_delay()
    {
        var budget = new GrainCallBudget(_time, Budget);
        var delay = TimeSpan.FromMilliseconds(100);
        Assert.True(budget.AllowsRetryAfter(delay));

        _time.Advance(Budget - delay - GrainCallBudget.MinimumAttempt);
        Assert.True(budget.AllowsRetryAfter(delay));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(budget.AllowsRetryAfter(delay));
        Assert.False(budget.IsExhausted);
    }

    [Fact]
    public void The_budget_is_spent_once_less_than_a_useful_attempt_is_left()
    {
        var budget = new GrainCallBudget(_time, Budget);
        _time.Advance(Budget - GrainCallBudget.MinimumAttempt);
        Assert.False(budget.IsExhausted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(budget.IsExhausted);
        Assert.True(new GrainCallBudget(_time, TimeSpan.Zero).IsExhausted);
    }

    [Fact]
    public void A_negative_budget_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GrainCallBudget(_time, TimeSpan.FromMilliseconds(-1)));
    }

    [Fact]
    public async Task A_started_budget_is_the_current_one_of_its_own_flow_only()
    {
        GrainCallBudget? seenInside = null;
        GrainCallBudget? seenByBackgroundWork = null;
        async Task RequestAsync()
        {
            var budget = GrainCallBudget.Start(_time, Budget);
            await Task.Yield();
            seenInside = GrainCallBudget.Current;
            await Task.Run(() =>
            {
                GrainCallBudget.Leave();
                seenByBackgroundWork = GrainCallBudget.Current;
            });
            Assert.Same(budget, GrainCallBudget.Current);
        }

        Assert.Null(GrainCallBudget.Current);
        await RequestAsync();

        Assert.NotNull(seenInside);
        Assert.Null(seenByBackgroundWork);
        Assert.Null(GrainCallBudget.Current);
    }
}
