namespace Ers.Staff;

/// <summary>
/// One per organisation (key: ODS code): the users who hold a role profile there, by name, so an RA finds a user by
/// name within the organisations it covers. Kept by the directory imports, in one call per organisation per import.
/// </summary>
[Alias("ers.IOrganisationStaffGrain")]
public interface IOrganisationStaffGrain : IGrainWithStringKey
{
    /// <summary>Records users who hold a role profile here (name updated) and users who no longer do.</summary>
    [Alias("Update")]
    Task UpdateAsync(IReadOnlyList<StaffIndexEntry> present, IReadOnlyList<string> absent);

    /// <summary>Users whose name matches every word of <paramref name="text"/> (as word prefixes), by name, at most <paramref name="max"/>.</summary>
    [Idempotent, ResponseTimeout(IdempotentAttribute.AttemptTimeout), Alias("Find")]
    Task<IReadOnlyList<StaffIndexEntry>> FindAsync(string text, int max);
}
