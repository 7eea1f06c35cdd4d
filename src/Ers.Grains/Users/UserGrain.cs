using Ers.Sessions;
using Ers.Staff;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ers.Grains.Users;

// Called around a login and at its end, idle in between (hours): it leaves memory soon after, and a later call
// reads its state back from storage. Only session grains stay in memory for a live session.
[CollectionAgeLimit(Minutes = 2)]
public sealed class UserGrain(
    [PersistentState("user", ErsStorage.State)] IPersistentState<UserState> state,
    IOptions<SessionOptions> options,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time) : Grain, IUserGrain
{
    public Task<StaffUser?> GetProfileAsync() => Task.FromResult(state.State.Profile);

    public Task ImportAsync(StaffUser user) => ReplaceProfileAsync(user);

    public async Task<ProfileReplaced> ReplaceProfileAsync(StaffUser user)
    {
        if (user.UserId != this.GetPrimaryKeyString())
        {
            throw new ArgumentException("The directory entry belongs to another user.", nameof(user));
        }

        var before = state.State.Profile;
        state.State.Profile = user;
        await state.WriteStateAsync();
        return new ProfileReplaced(before, state.State.LiveSessions.ToList());
    }

    public Task<IReadOnlyList<LiveSessionRef>> GetLiveSessionsAsync() =>
        Task.FromResult<IReadOnlyList<LiveSessionRef>>(state.State.LiveSessions.ToList());

    public Task<IReadOnlyList<string>> GetCardIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.CardIds.ToList());

    public Task<string?> GetLastRoleProfileIdAsync() => Task.FromResult(state.State.LastRoleProfileId);

    public async Task<Outcome<SessionAdmission>> AdmitSessionAsync(string sessionId, string cardId)
    {
        var outcome = ConcurrentSessionRule.Admit(state.State.LiveSessions, cardId, options.Value);
        if (!outcome.IsSuccess && await PruneEndedSessionsAsync())
        {
            // A one-way "ended" notice may still be in flight: decide again on what is really live.
            outcome = ConcurrentSessionRule.Admit(state.State.LiveSessions, cardId, options.Value);
        }

        if (!outcome.IsSuccess)
        {
            return outcome;
        }

        state.State.LiveSessions.Add(new LiveSessionRef(sessionId, cardId, time.GetUtcNow()));
        RememberCard(cardId);
        await state.WriteStateAsync();
        return outcome;
    }

    public async Task SessionEndedAsync(string sessionId)
    {
        if (state.State.LiveSessions.RemoveAll(s => s.SessionId == sessionId) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RoleChosenAsync(string roleProfileId)
    {
        state.State.LastRoleProfileId = roleProfileId;
        await state.WriteStateAsync();
    }

    // An RA finds a user's cards here (one or two in practice); a bounded list so the state cannot grow.
    private void RememberCard(string cardId)
    {
        const int maxCards = 8;
        state.State.CardIds.Remove(cardId);
        state.State.CardIds.Add(cardId);
        if (state.State.CardIds.Count > maxCards)
        {
            state.State.CardIds.RemoveAt(0);
        }
    }

    private async Task<bool> PruneEndedSessionsAsync()
    {
        var pruned = false;
        foreach (var live in state.State.LiveSessions.ToList())
        {
            var snapshot = await GrainFactory.GetGrain<ISessionGrain>(live.SessionId).GetAsync();
            if (snapshot is not { IsLive: true })
            {
                state.State.LiveSessions.Remove(live);
                pruned = true;
            }
        }

        return pruned;
    }
}
