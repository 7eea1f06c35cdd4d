namespace Ers.Api;

/// <summary>
/// What the card answered the agent's RESET RETRY COUNTER, reported by the agent at the workstation an RA authorised
/// (<see cref="CardInsertedResponse.UnblockAuthorized"/>). Carries no PUK or PIN: those go to the card only.
/// </summary>
public sealed record CardUnblockedRequest(string CardId, CardUnblockOutcome Outcome);
