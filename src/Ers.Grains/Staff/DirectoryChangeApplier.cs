using Ers.Sessions;
using Ers.Staff;

namespace Ers.Grains.Staff;

/// <summary>
/// Stores one user's new directory entry and ends their live sessions whose role profile it removed or changed
/// (<see cref="SessionEndReason.RoleRemoved"/>, each with its own end record): a directory change applies to live
/// sessions at once. What is stale is decided on the entry really replaced, not on a preview's copy of it.
/// </summary>
public sealed class DirectoryChangeApplier(IGrainFactory grains)
{
    /// <summary>Replaces the entry; answers the ids of the sessions it ended.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(StaffUser after)
    {
        var replaced = await grains.GetGrain<IUserGrain>(after.UserId).ReplaceProfileAsync(after);
        var stale = DirectoryChangeRules.StaleRoleProfileIds(replaced.Before, after);
        if (stale.Count == 0)
        {
            return [];
        }

        var ended = new List<string>();
        foreach (var live in replaced.LiveSessions)
        {
            var session = grains.GetGrain<ISessionGrain>(live.SessionId);
            if (DirectoryChangeRules.EndsSession(await session.GetAsync(), stale))
            {
                await session.EndAsync(SessionEndReason.RoleRemoved);
                ended.Add(live.SessionId);
            }
        }

        return ended;
    }
}
