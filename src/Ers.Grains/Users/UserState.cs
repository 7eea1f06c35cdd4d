using Ers.Staff;

namespace Ers.Grains.Users;

[GenerateSerializer, Alias("ers.UserState")]
public sealed class UserState
{
    [Id(0)] public StaffUser? Profile { get; set; }
    [Id(1)] public List<LiveSessionRef> LiveSessions { get; set; } = [];
    [Id(2)] public string? LastRoleProfileId { get; set; }

    /// <summary>The cards the user logged in with, most recent last (bounded).</summary>
    [Id(3)] public List<string> CardIds { get; set; } = [];
}
