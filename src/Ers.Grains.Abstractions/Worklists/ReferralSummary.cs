namespace Ers.Worklists;

/// <summary>One referral as a worklist row shows it. Patients are fictional sample data.</summary>
[GenerateSerializer, Immutable, Alias("ers.ReferralSummary")]
public sealed record ReferralSummary(
    [property: Id(0)] string Ubrn,
    [property: Id(1)] string PatientName,
    [property: Id(2)] string NhsNumber,
    [property: Id(3)] string Specialty,
    [property: Id(4)] string Status,
    [property: Id(5)] string ReferrerUserId,
    [property: Id(6)] string ReferrerName,
    [property: Id(7)] DateOnly ReferredOn);
