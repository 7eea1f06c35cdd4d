using Ers.Staff;

namespace Ers.RegistrationAuthority;

/// <summary>An RA's directory import, applied: what changed and the live sessions it ended (<c>role-removed</c>).</summary>
[GenerateSerializer, Immutable, Alias("ers.RaDirectoryApplied")]
public sealed record RaDirectoryApplied(
    [property: Id(0)] DirectoryPlan Plan,
    [property: Id(1)] IReadOnlyList<string> SessionsEnded);
