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
    // The organisations' staff indexes, sent once per organisation by FlushIndexAsync (an import may list thousands).
    private readonly Dictionary<string, (List<StaffIndexEntry> Present, List<string> Absent)> _index = new(StringComparer.Ordinal);

    /// <summary>Replaces the entry; answers the ids of the sessions it ended.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(StaffUser after)
    {
        var replaced = await grains.GetGrain<IUserGrain>(after.UserId).ReplaceProfileAsync(after);
        var now = after.RoleProfiles.Select(p => p.OdsCode).ToHashSet(StringComparer.Ordinal);
        foreach (var ods in now)
        {
            Index(ods).Present.Add(new StaffIndexEntry(after.UserId, after.Name));
        }

        foreach (var ods in (replaced.Before?.RoleProfiles ?? []).Select(p => p.OdsCode).Where(o => !now.Contains(o)).Distinct())
        {
            Index(ods).Absent.Add(after.UserId);
        }

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

    /// <summary>Sends what the entries applied so far changed in each organisation's staff index (one call each).</summary>
    public async Task FlushIndexAsync()
    {
        foreach (var (ods, (present, absent)) in _index)
        {
            await grains.GetGrain<IOrganisationStaffGrain>(ods).UpdateAsync(present, absent);
        }

        _index.Clear();
    }

    private (List<StaffIndexEntry> Present, List<string> Absent) Index(string ods)
    {
        if (!_index.TryGetValue(ods, out var entries))
        {
            _index[ods] = entries = ([], []);
        }

        return entries;
    }
}
