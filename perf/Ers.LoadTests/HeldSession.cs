namespace Ers.LoadTests;

/// <summary>A logged-in session as the page-view phase uses it.</summary>
public sealed record HeldSession(SimulatedCard Card, SimulatedWorkstation Workstation, string SessionToken, string? ErsCookie, string? BaselineCookie);
