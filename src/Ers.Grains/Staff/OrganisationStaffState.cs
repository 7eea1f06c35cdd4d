namespace Ers.Grains.Staff;

[GenerateSerializer, Alias("ers.OrganisationStaffState")]
public sealed class OrganisationStaffState
{
    /// <summary>User id to name, for the users who hold a role profile at the organisation.</summary>
    [Id(0)] public Dictionary<string, string> Users { get; set; } = new(StringComparer.Ordinal);
}
