using System.Text;
using Ers.Worklists;

namespace Ers.Grains.Worklists;

/// <summary>
/// Deterministic, fictional worklist rows for an organisation (the demo has no referral store). The same ODS code
/// and user always give the same rows, so pages and tests see stable data. NHS numbers are in the 999 range that
/// is never issued to real patients.
/// </summary>
public static class SampleWorklists
{
    private static readonly string[] GivenNames = ["Alex", "Priya", "Tom", "Maria", "Chen", "Fatima", "Owen", "Zara", "Lewis", "Aisha"];
    private static readonly string[] FamilyNames = ["Brown", "Patel", "Jones", "Novak", "Wu", "Khan", "Evans", "Ali", "Murray", "Osei"];
    private static readonly string[] Specialties = ["Cardiology", "Dermatology", "Gastroenterology", "Neurology", "Orthopaedics", "Respiratory", "Rheumatology", "Urology"];
    private static readonly string[] Colleagues = ["Dr Jane Ellis", "Dr Omar Farouk", "Nurse Kate Dunn"];
    private static readonly string[] ReferrerStatuses = ["Awaiting booking", "Booked", "Awaiting triage", "Returned to referrer"];
    private static readonly DateOnly Epoch = new(2026, 11, 2);

    /// <summary>The referrals the organisation made: some by colleagues, some by the given user.</summary>
    public static IReadOnlyList<ReferralSummary> Referrals(string odsCode, ReferralScope scope, string userId, string userName)
    {
        var mine = Rows(odsCode + "/" + userId, 3, i => (userId, userName), ReferrerStatuses);
        if (scope == ReferralScope.Me)
        {
            return mine;
        }

        var colleagues = Rows(odsCode + "/colleagues", 5, i => ("colleague-" + i, Colleagues[i % Colleagues.Length]), ReferrerStatuses);
        return [.. mine.Concat(colleagues).OrderByDescending(r => r.ReferredOn).ThenBy(r => r.Ubrn, StringComparer.Ordinal)];
    }

    /// <summary>The referrals received by the organisation as a provider, split into its three worklists.</summary>
    public static ProviderWorklists Provider(string odsCode) => new(
        Rows(odsCode + "/review", 4, i => ("gp-" + i, Colleagues[i % Colleagues.Length]), ["Awaiting review"]),
        Rows(odsCode + "/slots", 2, i => ("gp-" + i, Colleagues[i % Colleagues.Length]), ["No slots available"]),
        Rows(odsCode + "/booking", 3, i => ("gp-" + i, Colleagues[i % Colleagues.Length]), ["Ready to book"]));

    private static IReadOnlyList<ReferralSummary> Rows(string seedText, int count, Func<int, (string Id, string Name)> referrer, string[] statuses)
    {
        var random = new Random(StableHash(seedText));
        var rows = new List<ReferralSummary>(count);
        for (var i = 0; i < count; i++)
        {
            var (id, name) = referrer(i);
            rows.Add(new ReferralSummary(
                Ubrn: random.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
                PatientName: $"{GivenNames[random.Next(GivenNames.Length)]} {FamilyNames[random.Next(FamilyNames.Length)]}",
                NhsNumber: "999 " + random.Next(100, 999) + " " + random.Next(1000, 9999),
                Specialty: Specialties[random.Next(Specialties.Length)],
                Status: statuses[random.Next(statuses.Length)],
                ReferrerUserId: id,
                ReferrerName: name,
                ReferredOn: Epoch.AddDays(random.Next(0, 24))));
        }

        return rows;
    }

    // string.GetHashCode is randomised per process; sample data must be the same in every process.
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return unchecked((int)hash);
    }
}
