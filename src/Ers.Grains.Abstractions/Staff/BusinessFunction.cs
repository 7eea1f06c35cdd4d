namespace Ers.Staff;

/// <summary>The e-RS business functions a role profile's activities can grant.</summary>
public enum BusinessFunction
{
    ReferringClinician = 1,
    ReferringClinicianAdmin = 2,
    ReferringAdmin = 3,
    ServiceProviderClinician = 4,
    ServiceProviderClinicianAdmin = 5,
    ServiceProviderAdmin = 6,
    ServiceDefiner = 7,
    Commissioner = 8,
    ReferrerRightsManager = 9,
    BmsAdmin = 10,
}
