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

    public async Task CertificateUsedAsync(string certificate)
    {
        if (!string.Equals(S.Certificate, certificate, StringComparison.Ordinal))
        {
            S.Certificate = certificate;
            await state.WriteStateAsync();
        }
    }

    public async Task CertificateRevokedAsync(string certificate)
    {
        // Unknown (state from before certificates were recorded) counts as current: ending is the safe side.
        if (S.Certificate is not null && !string.Equals(S.Certificate, certificate, StringComparison.Ordinal))
        {
            return;
        }

        foreach (var sessionId in S.SessionIds.ToList())
        {
            // Each session ends itself once, audited, and tells this grain (one-way) to forget it.
            await GrainFactory.GetGrain<ISessionGrain>(sessionId).EndAsync(SessionEndReason.WorkstationRevoked);
        }
    }

    public Task<WorkstationSnapshot> GetAsync() =>
        Task.FromResult(new WorkstationSnapshot(this.GetPrimaryKeyString(), S.LastHeartbeatAt, S.SessionIds.ToList(), S.AgentLost, S.Certificate));

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
