using Ers.Api;

namespace Ers.Agent.Journey;

/// <summary>Where a reader's journey is.</summary>
public enum JourneyState
{
    Waiting,
    Reading,
    AwaitingPin,
    Verifying,
    Authenticating,
    SelectingRole,
    Active,
    Blocked,
    Failed,
    Ended,
}

public enum NoticeLevel
{
    Info,
    Warning,
    Error,
}

/// <summary>Something to tell the user. <see cref="Reader"/> is empty for agent-wide notices (pcscd down, ...).</summary>
public sealed record AgentNotice(string Reader, JourneyState State, NoticeLevel Level, string Message);

/// <summary>The user's side of the journey: messages, the passcode and the role choice.</summary>
public interface IAgentUi
{
    void Show(AgentNotice notice);

    /// <summary>
    /// Asks for the passcode. The caller zeroes the returned array after use; implementations never keep a copy and
    /// never log it. <paramref name="triesLeft"/> is what the card reports.
    /// </summary>
    Task<char[]> AskPinAsync(string reader, int triesLeft, CancellationToken cancellationToken);

    /// <summary>Asks which of several role profiles to work in.</summary>
    Task<RoleProfileDto> ChooseRoleAsync(string reader, string userName, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken);
}

/// <summary>Opens the one-time login URL.</summary>
public interface IBrowserLauncher
{
    void Open(Uri loginUrl);
}
