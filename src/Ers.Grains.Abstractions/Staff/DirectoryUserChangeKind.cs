namespace Ers.Staff;

/// <summary>What a directory import does to one user, within the organisations it may change. Values are stable.</summary>
public enum DirectoryUserChangeKind
{
    /// <summary>The directory did not know the user: they are added.</summary>
    Added = 1,

    /// <summary>The user held role profiles in the organisations changed and holds none there after the import.</summary>
    Removed = 2,

    /// <summary>The user stays, with role profiles added, removed or changed, or a new name.</summary>
    Changed = 3,
}
