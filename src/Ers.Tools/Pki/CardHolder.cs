namespace Ers.Tools.Pki;

/// <summary>A user to issue a card for.</summary>
public sealed record CardHolder(string UserId, string Name);
