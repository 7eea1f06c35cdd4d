using System.Text.RegularExpressions;
using Ers.RegistrationAuthority;
using Ers.Staff;

namespace Ers.Grains.RegistrationAuthority;

/// <summary>
/// Which activity codes make a role profile an RA role and what each lets it do (section
/// <c>Ers:RegistrationAuthority</c>). The national codes of the RA roles were not verified, so they are settings: the
/// local run and the tests configure the example codes of <c>samples/directory.json</c>.
/// </summary>
public sealed partial class RaOptions
{
    public const string SectionName = "Ers:RegistrationAuthority";

    /// <summary>Activity code to the permissions it grants; a role profile's permissions are the union of its codes'.</summary>
    public Dictionary<string, List<RaPermission>> Activities { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Refuses settings that would make the rules meaningless; names the setting at fault.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var (code, permissions) in Activities)
        {
            if (!ActivityCode().IsMatch(code))
            {
                yield return $"{SectionName}:Activities:{code} is not an activity code such as B0000.";
            }
            else if (BusinessFunctions.All.Any(f => f.ActivityCode == code))
            {
                yield return $"{SectionName}:Activities:{code} is an e-RS business function's activity, not an RA activity.";
            }

            if (permissions is not { Count: > 0 } || permissions.Any(p => !Enum.IsDefined(p)))
            {
                yield return $"{SectionName}:Activities:{code} must list at least one of {string.Join(", ", Enum.GetNames<RaPermission>())}.";
            }
        }
    }

    [GeneratedRegex(@"^B\d{4}$")]
    private static partial Regex ActivityCode();
}
