using Ers.Sessions;
using Ers.Staff;

namespace Ers.Web.Browser;

/// <summary>
/// What a web node knows of one session at <see cref="CheckedAt"/>: enough to render and guard a page.
/// <see cref="AvailableRoles"/> are the roles to choose from while no role is chosen (empty after).
/// </summary>
public sealed record SessionStatus(
    string SessionId,
    bool IsLive,
    SessionEndReason? EndReason,
    string UserId,
    string UserName,
    RoleProfile? Role,
    BusinessFunction? Function,
    SessionDeadlines Deadlines,
    DateTimeOffset CheckedAt,
    IReadOnlyList<RoleProfile> AvailableRoles)
{
    public BusinessFunctionInfo? FunctionInfo => Function is { } f ? BusinessFunctions.Get(f) : null;

    public HomepageKind? Homepage => FunctionInfo?.Homepage;

    public IReadOnlyList<BusinessFunctionInfo> GrantedFunctions =>
        Role is null ? [] : BusinessFunctions.GrantedBy(Role.Activities);
}
