using Ers.Staff;

namespace Ers.Grains.Staff;

// Written once per organisation per import (the importers batch), read when an RA searches by name.
[CollectionAgeLimit(Minutes = 2)]
public sealed class OrganisationStaffGrain(
    [PersistentState("organisation-staff", ErsStorage.State)] IPersistentState<OrganisationStaffState> state) : Grain, IOrganisationStaffGrain
{
    public async Task UpdateAsync(IReadOnlyList<StaffIndexEntry> present, IReadOnlyList<string> absent)
    {
        var changed = false;
        foreach (var userId in absent)
        {
            changed |= state.State.Users.Remove(userId);
        }

        foreach (var entry in present)
        {
            if (!state.State.Users.TryGetValue(entry.UserId, out var name) || name != entry.Name)
            {
                state.State.Users[entry.UserId] = entry.Name;
                changed = true;
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<StaffIndexEntry>> FindAsync(string text, int max) =>
        Task.FromResult<IReadOnlyList<StaffIndexEntry>>(state.State.Users
            .Where(u => StaffNameSearch.Matches(u.Value, text))
            .Select(u => new StaffIndexEntry(u.Key, u.Value))
            .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.UserId, StringComparer.Ordinal)
            .Take(Math.Clamp(max, 1, 100))
            .ToList());
}
