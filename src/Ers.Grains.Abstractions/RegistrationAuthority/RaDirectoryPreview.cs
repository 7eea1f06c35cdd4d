using Ers.Staff;

namespace Ers.RegistrationAuthority;

/// <summary>
/// An RA's directory import preview: what it will change (<see cref="Plan"/>, its fingerprint to apply it with) and
/// the live sessions it would end now (their role profile removed or changed). Nothing has changed yet.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.RaDirectoryPreview")]
public sealed record RaDirectoryPreview(
    [property: Id(0)] DirectoryPlan Plan,
    [property: Id(1)] IReadOnlyList<RaSessionRow> SessionsToEnd);
