using Ers.Staff;

namespace Ers.Grains.Sessions;

/// <summary>Which role profile a session may take, and which business function within it.</summary>
public static class RoleRules
{
    /// <summary>
    /// Whether a user may have a session at all: a user with no role profile gets none, with the reason.
    /// </summary>
    public static Refusal? CanStartSession(StaffUser? user) => user switch
    {
        null => new Refusal(RefusalCodes.UserUnknown,
            "This card's user is not in the staff directory. Contact your Registration Authority (RA)."),
        { RoleProfiles.Count: 0 } => new Refusal(RefusalCodes.UserHasNoRoleProfiles,
            "You have no role profile, so you cannot log in. Contact your Registration Authority (RA)."),
        _ => null,
    };

    /// <summary>The profile chosen without asking: the only one, when there is exactly one.</summary>
    public static RoleProfile? AutomaticRole(StaffUser user) =>
        user.RoleProfiles.Count == 1 ? user.RoleProfiles[0] : null;

    /// <summary>The user's profile with this id; any other id is refused.</summary>
    public static Outcome<RoleProfile> ChooseRole(StaffUser user, string roleProfileId)
    {
        var profile = user.RoleProfiles.FirstOrDefault(p => string.Equals(p.RoleProfileId, roleProfileId, StringComparison.Ordinal));
        return profile is null
            ? new Refusal(RefusalCodes.RoleNotHeld, "You do not hold that role profile.")
            : Outcome<RoleProfile>.Success(profile);
    }

    /// <summary>The business functions the role's activities grant.</summary>
    public static IReadOnlyList<BusinessFunctionInfo> GrantedFunctions(RoleProfile role) =>
        BusinessFunctions.GrantedBy(role.Activities);

    /// <summary>The function chosen without asking: the only one granted, when there is exactly one.</summary>
    public static BusinessFunction? AutomaticFunction(RoleProfile role)
    {
        var granted = GrantedFunctions(role);
        return granted.Count == 1 ? granted[0].Function : null;
    }

    /// <summary>A function the role grants; any other is refused.</summary>
    public static Outcome<BusinessFunctionInfo> ChooseFunction(RoleProfile role, BusinessFunction function)
    {
        var granted = GrantedFunctions(role);
        if (granted.Count == 0)
        {
            return new Refusal(RefusalCodes.NoBusinessFunction,
                "Your role does not grant any business function in this application.");
        }

        var match = granted.FirstOrDefault(f => f.Function == function);
        return match is null
            ? new Refusal(RefusalCodes.BusinessFunctionNotGranted, "Your role does not grant that business function.")
            : Outcome<BusinessFunctionInfo>.Success(match);
    }
}
