namespace Ers.Staff;

/// <summary>The e-RS business-function table, with the activity code that grants each: the single source for codes and names.</summary>
public static class BusinessFunctions
{
    /// <summary>The application whose business functions this table describes.</summary>
    public const string ReferralsApplication = "e-RS";

    public static IReadOnlyList<BusinessFunctionInfo> All { get; } =
    [
        new(BusinessFunction.ReferringClinician, "B1101", "Referring Clinician", HomepageKind.Referrer),
        new(BusinessFunction.ReferringClinicianAdmin, "B1102", "Referring Clinician Admin", HomepageKind.Referrer),
        new(BusinessFunction.ReferringAdmin, "B1103", "Referring Admin", HomepageKind.Referrer),
        new(BusinessFunction.ServiceProviderClinician, "B1110", "Service Provider Clinician", HomepageKind.Provider),
        new(BusinessFunction.ServiceProviderClinicianAdmin, "B1115", "Service Provider Clinician Admin", HomepageKind.Provider),
        new(BusinessFunction.ServiceProviderAdmin, "B1120", "Service Provider Admin", HomepageKind.Provider),
        new(BusinessFunction.ServiceDefiner, "B1107", "Service Definer", HomepageKind.Provider),
        new(BusinessFunction.Commissioner, "B1106", "Commissioner", HomepageKind.Other),
        new(BusinessFunction.ReferrerRightsManager, "B1108", "Referrer Rights Manager", HomepageKind.Other),
        new(BusinessFunction.BmsAdmin, "B1105", "BMS Admin", HomepageKind.Other),
    ];

    public static BusinessFunctionInfo Get(BusinessFunction function) =>
        All.FirstOrDefault(f => f.Function == function)
        ?? throw new ArgumentOutOfRangeException(nameof(function), function, "Not an e-RS business function.");

    /// <summary>The business functions granted by a set of activity codes, in table order.</summary>
    public static IReadOnlyList<BusinessFunctionInfo> GrantedBy(IEnumerable<string> activities)
    {
        var held = activities.ToHashSet(StringComparer.Ordinal);
        return All.Where(f => held.Contains(f.ActivityCode)).ToList();
    }
}
