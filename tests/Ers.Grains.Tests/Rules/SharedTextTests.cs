using Ers.Grains.Sessions;
using Ers.Staff;

namespace Ers.Grains.Tests.Rules;

public sealed class SharedTextTests
{
    // Built at run time, as a deserialized state's strings are: never the same instance to begin with.
    private static RoleProfile Role(string id) => new(
        id, new string("E82665".AsSpan()), new string("Riverside Surgery".AsSpan()), new string("S8000:G8000:R8000".AsSpan()),
        new string("Clinical Practitioner Access Role".AsSpan()), [new string("B1101".AsSpan()), new string("B1102".AsSpan())]);

    [Fact]
    public void Two_sessions_with_the_same_role_share_its_text_but_keep_their_own_role_id()
    {
        var a = SharedText.Of(Role("555000000001"));
        var b = SharedText.Of(Role("555000000002"));

        Assert.Same(a.OrganisationName, b.OrganisationName);
        Assert.Same(a.OdsCode, b.OdsCode);
        Assert.Same(a.JobRoleCode, b.JobRoleCode);
        Assert.Same(a.JobRoleName, b.JobRoleName);
        Assert.Same(a.Activities, b.Activities);
        Assert.Equal("555000000001", a.RoleProfileId);
        Assert.Equal("555000000002", b.RoleProfileId);
        Assert.Equal(Role("555000000001"), a);
    }

    [Fact]
    public void Business_function_choices_keep_their_values_under_shared_application_names()
    {
        var first = SharedText.Of(new Dictionary<string, BusinessFunction> { [new string("referrals".AsSpan())] = BusinessFunction.ReferringClinician });
        var second = SharedText.Of(new Dictionary<string, BusinessFunction> { [new string("referrals".AsSpan())] = BusinessFunction.ReferringClinician });

        Assert.Equal(BusinessFunction.ReferringClinician, first["referrals"]);
        Assert.Same(first.Keys.Single(), second.Keys.Single());
    }
}
