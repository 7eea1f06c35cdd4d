namespace Ers.Agent.Journey;

public enum NoticeLevel
{
    Info,
    Warning,
    Error,
}
