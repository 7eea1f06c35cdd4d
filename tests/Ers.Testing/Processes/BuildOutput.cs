namespace Ers.Testing.Processes;

/// <summary>Where the hosts the tests run as processes were built: beside the running assembly's own output.</summary>
public static class BuildOutput
{
    /// <summary>
    /// A project's output in the configuration and framework of the running assembly (a project under tests/ or perf/,
    /// X/bin/&lt;Configuration&gt;/&lt;framework&gt;/ -> P/bin/&lt;Configuration&gt;/&lt;framework&gt;/). A bare project
    /// name is one of src/ (<c>Ers.Silo</c>); others are named by their folder (<c>tests/Ers.VirtualCard</c>).
    /// </summary>
    public static string Of(string project, string assembly)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var folder = project.Contains('/', StringComparison.Ordinal) ? project : "src/" + project;
        var path = Path.Combine(RepoRoot.Path, folder, "bin", here.Parent!.Name, here.Name, assembly);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{project} is not built at '{path}': the project that runs it must reference it (ReferenceOutputAssembly=false) so it is built.");
    }

    public static string Silo => Of("Ers.Silo", "Ers.Silo.dll");

    public static string Web => Of("Ers.Web", "Ers.Web.dll");

    /// <summary>The <c>ers</c> operator command.</summary>
    public static string Tool => Of("Ers.Tools", "ers.dll");
}
