using Ers.Worklists;

namespace Ers.Grains.Worklists;

/// <summary>Serves an organisation's worklists (sample data: see <see cref="SampleWorklists"/>).</summary>
public sealed class OrganisationWorklistGrain : Grain, IOrganisationWorklistGrain
{
    private ProviderWorklists? _provider;

    private string OdsCode => this.GetPrimaryKeyString();

    public Task<IReadOnlyList<ReferralSummary>> GetReferralsAsync(ReferralScope scope, string userId, string userName) =>
        Task.FromResult(SampleWorklists.Referrals(OdsCode, scope, userId, userName));

    public Task<ProviderWorklists> GetProviderWorklistsAsync() =>
        Task.FromResult(_provider ??= SampleWorklists.Provider(OdsCode));
}
