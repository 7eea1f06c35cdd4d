using Ers.Api;

namespace Ers.Agent.Journey;

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
