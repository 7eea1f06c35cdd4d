using Ers.Grains.Staff;

namespace Ers.Grains.Tests.Rules;

public sealed class StaffNameSearchTests
{
    [Theory]
    [InlineData("Tomasz Kowalczyk", "kowal", true)]
    [InlineData("Dr Rahul Mehta", "dr mehta", true)]
    [InlineData("Dr Rahul Mehta", "MEHTA rahul", true)]
    [InlineData("Mary O'Brien-Smith", "smith", true)]
    [InlineData("Tomasz Kowalczyk", "owal", false)]
    [InlineData("Dr Rahul Mehta", "rahul jones", false)]
    [InlineData("Dr Rahul Mehta", "  ", false)]
    public void Every_word_typed_must_start_a_word_of_the_name(string name, string typed, bool matches) =>
        Assert.Equal(matches, StaffNameSearch.Matches(name, typed));
}
