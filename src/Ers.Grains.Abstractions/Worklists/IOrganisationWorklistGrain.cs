namespace Ers.Worklists;

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
