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

    /// <summary>
    /// Asks for one secret of an unblock a Registration Authority authorised at this workstation: the card's PUK, the
    /// new passcode, or the new passcode again. The same rules as <see cref="AskPinAsync"/>: the caller zeroes the
    /// array, nothing keeps or logs it.
    /// </summary>
    Task<char[]> AskUnblockSecretAsync(string reader, UnblockSecret secret, CancellationToken cancellationToken);

    /// <summary>Asks which of several role profiles to work in.</summary>
    Task<RoleProfileDto> ChooseRoleAsync(string reader, string userName, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken);
}
