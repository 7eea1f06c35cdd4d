namespace Ers.Testing;

/// <summary>The repository's root (the folder holding <c>Ers.sln</c>), found from the running assembly upwards.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    /// <summary>A path inside the repository, e.g. <c>Combine("samples", "directory.json")</c>.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Ers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Ers.sln above {AppContext.BaseDirectory}: run from inside the repository.");
    }
}
