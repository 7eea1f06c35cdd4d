namespace Ers.Api;

/// <summary>
/// A session as the agent sees it. <see cref="SessionToken"/> is opaque and authenticated by Ers; the agent sends it
/// back on every later call for this session. <see cref="State"/> is <c>AwaitingRole</c> or <c>Active</c>.
/// </summary>
public sealed record SessionResponse(
    string SessionToken,
    string State,
    string UserName,
    IReadOnlyList<RoleProfileDto> RoleProfiles,
    RoleProfileDto? Role,
    CertificateWarning? Warning);
