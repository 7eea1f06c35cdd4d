using Ers.Api;

namespace Ers.Agent.Api;

/// <summary>
/// The Ers agents' API as the journey uses it (routes in <see cref="AgentApiRoutes"/>). The real implementation is
/// <see cref="HttpAgentApi"/>; every refusal is an <see cref="AgentApiException"/> carrying the problem's code.
/// </summary>
public interface IAgentApi
{
    /// <summary>
    /// The origin of the server this client talks to (<see cref="LoginStatement.Origin"/> of its configured
    /// address), which every login statement the card signs names: never one the server tells the agent.
    /// </summary>
    string ServerOrigin { get; }

    /// <summary>The workstation id (CN) of the client certificate this client presents, as the server reads it.</summary>
    string WorkstationId { get; }

    Task<CardInsertedResponse> CardInsertedAsync(CardInsertedRequest request, CancellationToken cancellationToken);

    Task<SessionResponse> AuthenticateAsync(CardAuthenticateRequest request, CancellationToken cancellationToken);

    Task<SessionResponse> SelectRoleAsync(SelectRoleRequest request, CancellationToken cancellationToken);

    Task<BrowserTicketResponse> BrowserTicketAsync(SessionRequest request, CancellationToken cancellationToken);

    Task CardRemovedAsync(CardRemovedRequest request, CancellationToken cancellationToken);

    /// <summary>The card in a reader is PIN-blocked. The contract has no record of its own: the body is the card id.</summary>
    Task CardBlockedAsync(CardRemovedRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// What the card answered the RESET RETRY COUNTER of an unblock an RA authorised at this workstation
    /// (<see cref="CardInsertedResponse.UnblockAuthorized"/>). Never carries the PUK or the PIN.
    /// </summary>
    Task CardUnblockedAsync(CardUnblockedRequest request, CancellationToken cancellationToken);

    /// <summary>Keeps the sessions alive; the answer names the period to beat at and which sessions have ended.</summary>
    Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken);

    Task LogoutAsync(SessionRequest request, CancellationToken cancellationToken);
}
