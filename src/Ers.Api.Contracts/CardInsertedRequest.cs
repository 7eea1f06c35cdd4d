namespace Ers.Api;

/// <summary>
/// A card was inserted: its id (from the CHUID), its PIV Authentication certificate (DER), and the login statement
/// protocol the agent signs (<see cref="LoginStatement.Protocol"/>). An agent that names no protocol or another one
/// (one that signs the challenge's raw bytes, from before login statements) is refused with
/// <see cref="ApiErrorCodes.AgentOutdated"/> before any challenge is issued.
/// </summary>
public sealed record CardInsertedRequest(string CardId, byte[] Certificate, string? LoginProtocol = null);
