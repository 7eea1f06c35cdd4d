namespace Ers.Api;

public sealed record SessionRequest(string SessionToken);
