namespace Ers.Api;

/// <summary>A card was inserted: its id (from the CHUID) and its PIV Authentication certificate, DER.</summary>
public sealed record CardInsertedRequest(string CardId, byte[] Certificate);
