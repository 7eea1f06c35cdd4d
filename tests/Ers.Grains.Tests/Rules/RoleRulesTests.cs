using Ers.Grains.Sessions;
using Ers.Staff;

namespace Ers.Grains.Tests.Rules;

public sealed class RoleRulesTests
{
    private static readonly RoleProfile Referrer = Ids.Profile("E82665", "B1101", "B1102");
    private static readonly RoleProfile Provider = Ids.Profile("RYY", "B1110");

    [Fact]
    public void No_user_or_no_profile_means_no_session_with_a_reason()
    {
        Assert.Equal(RefusalCodes.UserUnknown, RoleRules.CanStartSession(null)!.Code);
        Assert.Equal(RefusalCodes.UserHasNoRoleProfiles, RoleRules.CanStartSession(new StaffUser("1", "x", []))!.Code);
        Assert.Null(RoleRules.CanStartSession(new StaffUser("1", "x", [Referrer])));
    }

    [Fact]
    public void Only_a_single_profile_is_chosen_automatically()
    {
        Assert.Equal(Referrer, RoleRules.AutomaticRole(new StaffUser("1", "x", [Referrer])));
        Assert.Null(RoleRules.AutomaticRole(new StaffUser("1", "x", [Referrer, Provider])));
    }

    [Fact]
    public void A_role_must_be_held()
    {
        var user = new StaffUser("1", "x", [Referrer, Provider]);
        Assert.Equal(Provider, RoleRules.ChooseRole(user, Provider.RoleProfileId).Value);
        Assert.Equal(RefusalCodes.RoleNotHeld, RoleRules.ChooseRole(user, "000000000000").Refusal!.Code);
    }

    [Fact]
    public void Functions_come_from_the_activity_table()
    {
        Assert.Equal(
            [BusinessFunction.ReferringClinician, BusinessFunction.ReferringClinicianAdmin],
            RoleRules.GrantedFunctions(Referrer).Select(f => f.Function));
        Assert.Null(RoleRules.AutomaticFunction(Referrer));
        Assert.Equal(BusinessFunction.ServiceProviderClinician, RoleRules.AutomaticFunction(Provider));
        Assert.Equal(RefusalCodes.BusinessFunctionNotGranted, RoleRules.ChooseFunction(Provider, BusinessFunction.Commissioner).Refusal!.Code);
        Assert.Equal(RefusalCodes.NoBusinessFunction, RoleRules.ChooseFunction(Ids.Profile("X01", "B9999"), BusinessFunction.Commissioner).Refusal!.Code);
    }

    [Fact]
    public void Every_business_function_has_one_activity_and_a_homepage()
    {
        Assert.Equal(10, BusinessFunctions.All.Select(f => f.ActivityCode).Distinct().Count());
        Assert.Equal(HomepageKind.Provider, BusinessFunctions.Get(BusinessFunction.ServiceDefiner).Homepage);
        Assert.Equal(HomepageKind.Referrer, BusinessFunctions.Get(BusinessFunction.ReferringAdmin).Homepage);
    }
}
