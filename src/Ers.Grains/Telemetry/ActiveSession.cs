using System.Diagnostics.Metrics;
using Ers.Staff;

namespace Ers.Grains.Telemetry;

/// <summary>
/// One session activation's share of <c>ers.sessions.active</c>: counted once when it holds a role, uncounted once
/// when it ends or deactivates. Counting per activation keeps the sum over silos right after a failover (a session
/// reactivated elsewhere counts there; the dead silo's series disappears with it).
/// </summary>
public sealed class ActiveSession(UpDownCounter<long> counter)
{
    private string? _kind;

    public void Enter(RoleProfile role)
    {
        if (_kind is null)
        {
            _kind = OrganisationKind.Of(role);
            counter.Add(1, new KeyValuePair<string, object?>("ers.organisation.kind", _kind));
        }
    }

    public void Leave()
    {
        if (_kind is not null)
        {
            counter.Add(-1, new KeyValuePair<string, object?>("ers.organisation.kind", _kind));
            _kind = null;
        }
    }
}
