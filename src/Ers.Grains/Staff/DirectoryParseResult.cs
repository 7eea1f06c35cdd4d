using Ers.Staff;

namespace Ers.Grains.Staff;

/// <summary>The users of a directory file, or every problem found in it (then no users at all).</summary>
public sealed record DirectoryParseResult(IReadOnlyList<StaffUser> Users, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;

    public static DirectoryParseResult Failed(string error) => new([], [error]);
}
