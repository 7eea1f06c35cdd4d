namespace Ers.Agent.Journey;

/// <summary>Something to tell the user. <see cref="Reader"/> is empty for agent-wide notices (pcscd down, ...).</summary>
public sealed record AgentNotice(string Reader, JourneyState State, NoticeLevel Level, string Message);
