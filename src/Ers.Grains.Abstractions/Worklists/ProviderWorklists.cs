namespace Ers.Worklists;

/// <summary>The three worklists of a provider's homepage.</summary>
[GenerateSerializer, Immutable, Alias("ers.ProviderWorklists")]
public sealed record ProviderWorklists(
    [property: Id(0)] IReadOnlyList<ReferralSummary> ReferralsForReview,
    [property: Id(1)] IReadOnlyList<ReferralSummary> AppointmentSlotIssues,
    [property: Id(2)] IReadOnlyList<ReferralSummary> AppointmentsForBooking);
