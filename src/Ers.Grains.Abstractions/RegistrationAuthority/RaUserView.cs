using Ers.Staff;

namespace Ers.RegistrationAuthority;

/// <summary>
/// A user's page in the RA console: directory entry, the live sessions (oldest first) in organisations the RA covers,
/// how many other live sessions the user has (<see cref="OtherSessions"/>, not shown), and the cards seen at login.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.RaUserView")]
public sealed record RaUserView(
    [property: Id(0)] StaffUser User,
    [property: Id(1)] IReadOnlyList<RaSessionRow> Sessions,
    [property: Id(2)] IReadOnlyList<RaCardRow> Cards,
    [property: Id(3)] int OtherSessions);
