namespace Ers.Api;

public sealed record SelectRoleRequest(string SessionToken, string RoleProfileId);
