using Ers.Sessions;
using Ers.Workstations;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Grains.Workstations;

/// <summary>
/// Bookkeeping only: heartbeat deadlines live in the session grains, so this grain holds no timer and is collected
/// soon after the last call (a live session costs one activation, not two).
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class WorkstationGrain(
    [PersistentState("workstation", ErsStorage.State)] IPersistentState<WorkstationGrainState> state,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time) : Grain, IWorkstationGrain
{
    private WorkstationGrainState S => state.State;

    public async Task HeartbeatAsync()
    {
        foreach (var sessionId in S.SessionIds.ToList())
        {
            await GrainFactory.GetGrain<ISessionGrain>(sessionId).HeartbeatAsync();
        }

        S.LastHeartbeatAt = time.GetUtcNow();
        if (S.AgentLost)
        {
            S.AgentLost = false;
            await state.WriteStateAsync();
        }
    }

    public async Task AgentLostAsync()
    {
        if (!S.AgentLost)
        {
            S.AgentLost = true;
            await state.WriteStateAsync();
        }
    }

    public async Task SessionStartedAsync(string sessionId)
    {
        // A session starts only while its agent is talking to Ers: that is a heartbeat too.
        S.LastHeartbeatAt = time.GetUtcNow();
        S.AgentLost = false;
        S.SessionIds.Add(sessionId);
        await state.WriteStateAsync();
    }

    public async Task SessionEndedAsync(string sessionId)
    {
        if (S.SessionIds.Remove(sessionId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<WorkstationSnapshot> GetAsync() =>
        Task.FromResult(new WorkstationSnapshot(this.GetPrimaryKeyString(), S.LastHeartbeatAt, S.SessionIds.ToList(), S.AgentLost));

    public async Task CheckHeartbeatAsync()
    {
        var lost = false;
        foreach (var sessionId in S.SessionIds.ToList())
        {
            lost |= await GrainFactory.GetGrain<ISessionGrain>(sessionId).CheckHeartbeatAsync();
        }

        if (lost)
        {
            await AgentLostAsync();
        }
    }
}
