using Ers.Cards;
using Ers.Grains.Revocation;
using Ers.Revocation;

namespace Ers.Grains.Tests.Rules;

/// <summary>Issue 16: an RA's revocation of a card revokes the certificates it logged in with, each listed once.</summary>
public sealed class ErsRevocationsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly CardRevocation ByHelen = new(Now, "555294209112", "555021935120", "RYY", "card reported stolen");

    [Fact]
    public void An_RA_revocation_lists_every_certificate_the_card_logged_in_with_with_who_when_and_why()
    {
        var entries = ErsRevocations.Entries("card-1", [new("CA1", "0A", Now.AddDays(-9)), new("CA1", "0B", Now.AddDays(-1))], ByHelen);

        Assert.Equal(
            [
                new RevokedCertificate("CA1", "0A", "card-1", Now, "555294209112", "555021935120", "RYY", "card reported stolen"),
                new RevokedCertificate("CA1", "0B", "card-1", Now, "555294209112", "555021935120", "RYY", "card reported stolen"),
            ],
            entries);
        Assert.Empty(ErsRevocations.Entries("card-2", null, ByHelen));
    }

    [Fact]
    public void A_certificate_is_listed_once_with_its_first_revocation()
    {
        var held = new List<RevokedCertificate>();
        var first = ErsRevocations.Entries("card-1", [new("CA1", "0A", Now)], ByHelen);
        var again = ErsRevocations.Entries("card-9", [new("CA1", "0A", Now)], ByHelen with { RaUserId = "555294209113", OdsCode = "E82665" });
        var otherCa = ErsRevocations.Entries("card-1", [new("CA2", "0A", Now)], ByHelen);

        Assert.True(ErsRevocations.Add(held, first));
        Assert.False(ErsRevocations.Add(held, again));
        Assert.True(ErsRevocations.Add(held, otherCa));

        Assert.Equal([("CA1", "0A", "RYY"), ("CA2", "0A", "RYY")], held.Select(r => (r.IssuerHash, r.SerialNumber, r.OdsCode)));
    }

    [Fact]
    public void A_card_remembers_the_certificates_it_logged_in_with_a_few_at_most_the_oldest_dropped_first()
    {
        var held = new List<CardCertificate>();

        Assert.True(ErsRevocations.Remember(held, "CA1", "01", Now, max: 2));
        Assert.False(ErsRevocations.Remember(held, "CA1", "01", Now.AddHours(1), max: 2));
        Assert.True(ErsRevocations.Remember(held, "CA1", "02", Now.AddHours(2), max: 2));
        Assert.True(ErsRevocations.Remember(held, "CA2", "01", Now.AddHours(3), max: 2));

        Assert.Equal([("CA1", "02"), ("CA2", "01")], held.Select(c => (c.IssuerHash, c.SerialNumber)));
        Assert.Equal(Now.AddHours(2), held[0].FirstUsedAt);
    }
}
