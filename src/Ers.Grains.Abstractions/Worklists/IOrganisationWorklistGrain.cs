namespace Ers.Worklists;

/// <summary>Whose referrals a referrer's dashboard shows.</summary>
public enum ReferralScope
{
    /// <summary>Referrals the signed-in user made (the default).</summary>
    Me = 1,

    /// <summary>Every referral made by the user's organisation.</summary>
    MyOrganisation = 2,
}

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

/// <summary>The three worklists of a provider's homepage.</summary>
[GenerateSerializer, Immutable, Alias("ers.ProviderWorklists")]
public sealed record ProviderWorklists(
    [property: Id(0)] IReadOnlyList<ReferralSummary> ReferralsForReview,
    [property: Id(1)] IReadOnlyList<ReferralSummary> AppointmentSlotIssues,
    [property: Id(2)] IReadOnlyList<ReferralSummary> AppointmentsForBooking);

/// <summary>
/// One per organisation (key: the ODS code). Serves the worklists the homepages show, only ever for its own
/// organisation: callers pass the ODS code of the session role, never one a browser chose.
/// </summary>
[Alias("ers.IOrganisationWorklistGrain")]
public interface IOrganisationWorklistGrain : IGrainWithStringKey
{
    /// <summary>The referrals this organisation made, all of them or only the given user's.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetReferrals")]
    Task<IReadOnlyList<ReferralSummary>> GetReferralsAsync(ReferralScope scope, string userId, string userName);

    /// <summary>The referrals sent to this organisation as a provider, by worklist.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("GetProviderWorklists")]
    Task<ProviderWorklists> GetProviderWorklistsAsync();
}
