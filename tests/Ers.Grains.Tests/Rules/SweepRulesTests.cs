using Ers.Grains.Sessions;

namespace Ers.Grains.Tests.Rules;

public sealed class SweepRulesTests
{
    [Fact]
    public void Exactly_one_active_silo_sweeps_the_lowest_address()
    {
        string[] active = ["S10.0.0.2:11111@3", "S10.0.0.1:11111@9", "S10.0.0.3:11111@1"];

        Assert.True(SweepRules.IsSweeper("S10.0.0.1:11111@9", active));
        Assert.False(SweepRules.IsSweeper("S10.0.0.2:11111@3", active));
        Assert.Single(active, silo => SweepRules.IsSweeper(silo, active));
        Assert.True(SweepRules.IsSweeper("S10.0.0.9:11111@1", [])); // alone, before its own entry is seen
    }

    [Fact]
    public void A_dead_silo_is_orphaned_at_once_an_absent_one_only_after_several_sweeps()
    {
        var active = new HashSet<string> { "a" };
        var dead = new HashSet<string> { "d" };
        var counts = new Dictionary<string, int>();
        string[] registered = ["a", "d", "gone"];

        Assert.Equal(["d"], SweepRules.Orphaned(registered, active, dead, counts, absentSweeps: 3));
        Assert.Equal(["d"], SweepRules.Orphaned(registered, active, dead, counts, absentSweeps: 3));
        Assert.Equal(["d", "gone"], SweepRules.Orphaned(registered, active, dead, counts, absentSweeps: 3));
    }

    [Fact]
    public void A_silo_that_reappears_in_membership_starts_its_absence_count_again()
    {
        var counts = new Dictionary<string, int>();
        var none = new HashSet<string>();
        string[] registered = ["late"];

        Assert.Empty(SweepRules.Orphaned(registered, none, none, counts, absentSweeps: 2));
        Assert.Empty(SweepRules.Orphaned(registered, new HashSet<string> { "late" }, none, counts, absentSweeps: 2));
        Assert.Empty(SweepRules.Orphaned(registered, none, none, counts, absentSweeps: 2));
        Assert.Equal(["late"], SweepRules.Orphaned(registered, none, none, counts, absentSweeps: 2));
    }
}
