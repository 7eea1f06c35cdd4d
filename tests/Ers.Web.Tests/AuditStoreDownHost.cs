using Ers.Staff;
using Ers.Testing.Hosts;

namespace Ers.Web.Tests;

/// <summary>
/// An Ers.Web whose audit store (PostgreSQL) cannot be reached: nothing may happen unaudited, so the agent API
/// answers 503 with a stable code and changes nothing, rather than failing with a 500.
/// </summary>
public sealed class AuditStoreDownHost : AgentHost
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("Ers:Audit:Store", "Postgres"),
        // Port 1 on loopback: nothing listens, so every append fails at once, as with a database that is down.
        new("ConnectionStrings:Audit", "Host=127.0.0.1;Port=1;Username=ers;Database=ers;Timeout=2"),
        new("Ers:Directory:SeedFile", ""),
    ];

    protected override async Task WaitForDirectoryAsync() =>
        // A directory import is audited too; put the one user the test needs straight into its grain.
        await Grains.GetGrain<IUserGrain>("555294209105").ImportAsync(new StaffUser("555294209105", "Dr Amelia Hart",
            [new RoleProfile("555021935107", "E82665", "Riverside Surgery", "S8000:G8000:R8000", "Clinical Practitioner Access Role", ["B1101"])]));
}
