using Ers.Staff;

namespace Ers.Grains.Telemetry;

/// <summary>Which side of e-RS a role profile works on, from the homepages its activities grant.</summary>
public static class OrganisationKind
{
    public const string Referrer = "referrer";
    public const string Provider = "provider";
    public const string Other = "other";

    public static string Of(RoleProfile role)
    {
        var homepages = BusinessFunctions.GrantedBy(role.Activities).Select(f => f.Homepage).ToHashSet();
        return homepages.Contains(HomepageKind.Referrer) ? Referrer
            : homepages.Contains(HomepageKind.Provider) ? Provider
            : Other;
    }
}
