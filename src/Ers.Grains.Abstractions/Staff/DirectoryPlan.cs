namespace Ers.Staff;

/// <summary>
/// What a directory import will change, computed before anything changes: the users it changes (in file order), how
/// many listed users it leaves as they are, and a fingerprint of the directory entries it was computed from and the
/// entries it will write. An apply is refused unless it computes the same fingerprint: what is applied is what was
/// previewed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ers.DirectoryPlan")]
public sealed record DirectoryPlan(
    [property: Id(0)] IReadOnlyList<DirectoryUserChange> Changes,
    [property: Id(1)] int UnchangedUsers,
    [property: Id(2)] string Fingerprint)
{
    public int Count(DirectoryUserChangeKind kind) => Changes.Count(c => c.Kind == kind);

    public int ProfilesAdded => Changes.Sum(c => c.ProfilesAdded.Count);

    public int ProfilesRemoved => Changes.Sum(c => c.ProfilesRemoved.Count);

    public int ProfilesChanged => Changes.Sum(c => c.ProfilesChanged.Count);
}
