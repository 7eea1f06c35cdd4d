namespace Ers.Api;

/// <summary>
/// The agents' HTTPS API (mutual TLS: the workstation is the client certificate). Every refusal is an RFC 7807
/// problem details body whose <c>code</c> extension is one of <see cref="ApiErrorCodes"/>.
/// </summary>
public static class AgentApiRoutes
{
    public const string Prefix = "/api/agent/v1";
    public const string CardInserted = Prefix + "/cards/inserted";
    public const string CardAuthenticate = Prefix + "/cards/authenticate";
    public const string CardRemoved = Prefix + "/cards/removed";
    public const string CardBlocked = Prefix + "/cards/blocked";
    public const string CardUnblocked = Prefix + "/cards/unblocked";
    public const string SelectRole = Prefix + "/sessions/role";
    public const string Logout = Prefix + "/sessions/logout";
    public const string BrowserTicket = Prefix + "/sessions/ticket";
    public const string Heartbeat = Prefix + "/heartbeat";
}
