namespace Ers.Deploy.Tests;

/// <summary>Paths inside the repository (its root from <see cref="Ers.Testing.RepoRoot"/>).</summary>
public static class Repository
{
    public static string Root => Ers.Testing.RepoRoot.Path;

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);
}
