namespace Ers.Api;

public sealed record CardRemovedRequest(string CardId);
