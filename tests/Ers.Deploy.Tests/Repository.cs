namespace Ers.Deploy.Tests;

/// <summary>Paths inside the repository, found from the test's working directory.</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Ers.sln above {AppContext.BaseDirectory}: the deploy tests must run from inside the repository.");
    }
}
