using Microsoft.Extensions.DependencyInjection;
using Ers.Audit;
using Ers.Grains.Audit;
using Ers.Grains.Telemetry;
using Ers.Sessions;
using Ers.Workstations;
using Microsoft.Extensions.Options;

namespace Ers.Grains.Workstations;

[GenerateSerializer, Alias("ers.WorkstationState")]
public sealed class WorkstationGrainState
{
    [Id(0)] public DateTimeOffset? LastHeartbeatAt { get; set; }
    [Id(1)] public HashSet<string> SessionIds { get; set; } = [];
    [Id(2)] public bool AgentLost { get; set; }
}

public sealed class WorkstationGrain(
    [PersistentState("workstation", ErsStorage.State)] IPersistentState<WorkstationGrainState> state,
    IOptions<SessionOptions> options,
    IAuditTrail auditTrail,
    [FromKeyedServices(ErsTime.Key)] TimeProvider time,
    ErsMetrics metrics) : Grain, IWorkstationGrain
{
    private readonly Auditor _audit = new(auditTrail, time);
    private IGrainTimer? _timer;

    // Heartbeats are held in memory and written only when they matter (sessions start/end, the agent is lost):
    // a heartbeat every few seconds from every workstation in the country must not each cost a storage write.
    private DateTimeOffset? _lastHeartbeatAt;

    private WorkstationGrainState S => state.State;

    private TimeSpan Timeout => options.Value.HeartbeatTimeout;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // After a failover the stored heartbeat may be older than the agent's real last one: give the agent one
        // full timeout from now to show itself before its sessions are ended.
        if (S.SessionIds.Count > 0)
        {
            _lastHeartbeatAt = time.GetUtcNow();
            ArmTimer();
        }
        else
        {
            _lastHeartbeatAt = S.LastHeartbeatAt;
        }

        return Task.CompletedTask;
    }

    public async Task HeartbeatAsync()
    {
        _lastHeartbeatAt = time.GetUtcNow();
        if (S.AgentLost)
        {
            S.AgentLost = false;
            S.LastHeartbeatAt = _lastHeartbeatAt;
            await state.WriteStateAsync();
        }

        ArmTimer();
    }

    public async Task SessionStartedAsync(string sessionId)
    {
        _lastHeartbeatAt ??= time.GetUtcNow();
        S.LastHeartbeatAt = _lastHeartbeatAt;
        S.AgentLost = false;
        if (S.SessionIds.Add(sessionId))
        {
            await state.WriteStateAsync();
        }

        ArmTimer();
    }

    public async Task SessionEndedAsync(string sessionId)
    {
        if (S.SessionIds.Remove(sessionId))
        {
            S.LastHeartbeatAt = _lastHeartbeatAt;
            await state.WriteStateAsync();
        }
    }

    public Task<WorkstationSnapshot> GetAsync() =>
        Task.FromResult(new WorkstationSnapshot(this.GetPrimaryKeyString(), _lastHeartbeatAt, S.SessionIds.ToList(), S.AgentLost));

    public async Task CheckHeartbeatAsync()
    {
        if (S.SessionIds.Count == 0 || !HeartbeatRule.IsLost(_lastHeartbeatAt, time.GetUtcNow(), Timeout))
        {
            return;
        }

        await _audit.RecordAsync(_audit.New(AuditEvent.Refused, AuditOutcome.Failure, "workstation.agent-lost") with
        {
            WorkstationId = this.GetPrimaryKeyString(),
        });
        metrics.HeartbeatLost();
        S.AgentLost = true;
        S.LastHeartbeatAt = _lastHeartbeatAt;
        var sessions = S.SessionIds.ToList();
        await state.WriteStateAsync();
        foreach (var sessionId in sessions)
        {
            await GrainFactory.GetGrain<ISessionGrain>(sessionId).EndAsync(SessionEndReason.AgentLost);
        }
    }

    private void ArmTimer()
    {
        if (HeartbeatRule.NextCheck(_lastHeartbeatAt, Timeout) is not { } next)
        {
            return;
        }

        var due = next - time.GetUtcNow();
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(
            async _ => await CheckHeartbeatAsync(),
            new GrainTimerCreationOptions
            {
                DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero,
                Period = Timeout,
                KeepAlive = S.SessionIds.Count > 0,
            });
    }
}
