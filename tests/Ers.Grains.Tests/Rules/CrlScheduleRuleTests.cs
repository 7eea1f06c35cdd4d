using Ers.Grains.Revocation;
using Ers.Revocation;

namespace Ers.Grains.Tests.Rules;

public sealed class CrlScheduleRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero);
    private static readonly CrlOptions Options = new() { CrlRefreshInterval = TimeSpan.FromSeconds(5), CrlRetryMaxDelay = TimeSpan.FromSeconds(30) };

    [Fact]
    public void A_good_read_is_followed_by_the_next_at_the_refresh_interval_or_at_next_update_if_sooner()
    {
        Assert.Equal(Now.AddSeconds(5), CrlBook.NextAttempt(Now, Options, 0, Now.AddDays(7)));
        Assert.Equal(Now.AddSeconds(2), CrlBook.NextAttempt(Now, Options, 0, Now.AddSeconds(2)));
        // A CRL already past its nextUpdate is read again at the interval, not in a tight loop.
        Assert.Equal(Now.AddSeconds(5), CrlBook.NextAttempt(Now, Options, 0, Now.AddSeconds(-1)));
    }

    [Fact]
    public void Failed_reads_back_off_doubling_from_one_second_to_the_maximum()
    {
        Assert.Equal(
            [1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(1, 7).Select(f => (CrlBook.NextAttempt(Now, Options, f, null) - Now).TotalSeconds));
    }

    [Fact]
    public void Each_revoked_serial_is_taken_once()
    {
        var processed = new Dictionary<string, HashSet<string>>();
        var first = new PublishedCrl("CA", Now, Now.AddDays(1), Now.AddDays(1), ["01", "02"]);
        var second = first with { RevokedSerials = ["01", "02", "03"] };

        Assert.Equal([("CA", "01"), ("CA", "02")], CrlBook.TakeNewlyRevoked([first], processed));
        Assert.Empty(CrlBook.TakeNewlyRevoked([first], processed));
        Assert.Equal([("CA", "03")], CrlBook.TakeNewlyRevoked([second], processed));
    }
}
