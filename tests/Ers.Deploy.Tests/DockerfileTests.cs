using System.Text.Json;
using System.Xml.Linq;

namespace Ers.Deploy.Tests;

/// <summary>
/// The container build files, checked as text: no container engine runs here, so the images themselves are not built
/// by these tests.
/// </summary>
public sealed class DockerfileTests
{
    /// <summary>Image repository name to the project its Dockerfile publishes.</summary>
    public static readonly IReadOnlyDictionary<string, string> ImageProjects = new Dictionary<string, string>
    {
        ["ers-silo"] = "Ers.Silo",
        ["ers-web"] = "Ers.Web",
        ["ers-tools"] = "Ers.Tools",
    };

    public static TheoryData<string> Projects => [.. ImageProjects.Values];

    [Theory]
    [MemberData(nameof(Projects))]
    public void The_entrypoint_runs_the_assembly_the_project_builds(string project)
    {
        var dockerfile = Dockerfile.Load(project);
        var entrypoint = JsonSerializer.Deserialize<string[]>(dockerfile.Last("ENTRYPOINT"))
            ?? throw new Xunit.Sdk.XunitException("ENTRYPOINT is not in exec (JSON array) form");

        Assert.Equal(["dotnet", AssemblyName(project) + ".dll"], entrypoint);
        Assert.Contains($"dotnet publish src/{project}/{project}.csproj", dockerfile.FinalOf("RUN", stage: 0));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void The_image_is_built_with_the_sdk_and_runs_on_the_smallest_runtime_that_has_what_the_project_needs(string project)
    {
        var dockerfile = Dockerfile.Load(project);
        var stages = dockerfile.Stages;

        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0 ", stages[0]);
        var runtime = NeedsAspNetCore(Repository.PathOf($"src/{project}/{project}.csproj"))
            ? "mcr.microsoft.com/dotnet/aspnet:10.0"
            : "mcr.microsoft.com/dotnet/runtime:10.0";
        Assert.StartsWith(runtime, stages[1]);
        if (runtime.Contains("aspnet", StringComparison.Ordinal))
        {
            Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", dockerfile.FinalOf("ENV", stage: 1));
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void The_image_runs_as_the_numeric_non_root_app_user(string project)
    {
        var user = Dockerfile.Load(project).FinalOf("USER", stage: 1).Trim();

        // A numeric user is what lets Kubernetes' runAsNonRoot verify the image; APP_UID is 1654 in the .NET images.
        Assert.True(user is "$APP_UID" or "${APP_UID}" || (int.TryParse(user, out var uid) && uid > 0), $"USER {user}");
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Everything_the_dockerfile_copies_from_the_context_exists_and_is_not_ignored(string project)
    {
        var ignored = File.ReadAllLines(Repository.PathOf(".dockerignore"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToHashSet();

        foreach (var copy in Dockerfile.Load(project).All("COPY").Where(c => !c.StartsWith("--from", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var path in parts[..^1])
            {
                Assert.True(File.Exists(Repository.PathOf(path)) || Directory.Exists(Repository.PathOf(path)), $"COPY {path}: not in the repository");
                Assert.DoesNotContain(path, ignored);
                Assert.DoesNotContain(path.TrimEnd('/') + "/", ignored);
            }
        }
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_tests_and_git()
    {
        var ignored = File.ReadAllLines(Repository.PathOf(".dockerignore")).Select(l => l.Trim()).ToHashSet();

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".git/", ignored);
        Assert.Contains("tests/", ignored);
        Assert.DoesNotContain("src/", ignored);
    }

    private static string AssemblyName(string project)
    {
        var csproj = XDocument.Load(Repository.PathOf($"src/{project}/{project}.csproj"));
        var declared = csproj.Descendants("AssemblyName").Select(e => e.Value.Trim()).LastOrDefault();
        return string.IsNullOrEmpty(declared) ? project : declared;
    }

    /// <summary>True when the project or anything it references uses the Web SDK or the ASP.NET Core shared framework.</summary>
    private static bool NeedsAspNetCore(string csprojPath, HashSet<string>? seen = null)
    {
        seen ??= [];
        var full = Path.GetFullPath(csprojPath);
        if (!seen.Add(full))
        {
            return false;
        }

        var csproj = XDocument.Load(full);
        var sdk = csproj.Root?.Attribute("Sdk")?.Value ?? "";
        if (sdk == "Microsoft.NET.Sdk.Web"
            || csproj.Descendants("FrameworkReference").Any(f => f.Attribute("Include")?.Value == "Microsoft.AspNetCore.App"))
        {
            return true;
        }

        return csproj.Descendants("ProjectReference")
            .Select(r => r.Attribute("Include")?.Value.Replace('\\', '/'))
            .OfType<string>()
            .Any(reference => NeedsAspNetCore(Path.Combine(Path.GetDirectoryName(full)!, reference), seen));
    }

    /// <summary>A Dockerfile as instructions (continuations joined, comments dropped), grouped by stage.</summary>
    private sealed class Dockerfile
    {
        private readonly List<(int Stage, string Instruction, string Arguments)> _instructions = [];

        private Dockerfile(string text)
        {
            var stage = -1;
            var logical = "";
            foreach (var rawLine in text.Split('\n'))
            {
                var line = rawLine.TrimEnd('\r');
                if (logical.Length == 0 && line.TrimStart().StartsWith('#'))
                {
                    continue;
                }

                logical += line.TrimEnd().TrimEnd('\\').Trim() + " ";
                if (line.TrimEnd().EndsWith('\\'))
                {
                    continue;
                }

                var trimmed = logical.Trim();
                logical = "";
                if (trimmed.Length == 0)
                {
                    continue;
                }

                var space = trimmed.IndexOf(' ');
                var instruction = (space < 0 ? trimmed : trimmed[..space]).ToUpperInvariant();
                var arguments = space < 0 ? "" : trimmed[(space + 1)..].Trim();
                if (instruction == "FROM")
                {
                    stage++;
                }

                _instructions.Add((stage, instruction, arguments));
            }
        }

        public IReadOnlyList<string> Stages => _instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();

        public static Dockerfile Load(string project)
        {
            var path = Repository.PathOf($"src/{project}/Dockerfile");
            Assert.True(File.Exists(path), $"src/{project}/Dockerfile is missing");
            return new Dockerfile(File.ReadAllText(path));
        }

        public IEnumerable<string> All(string instruction) =>
            _instructions.Where(i => i.Instruction == instruction).Select(i => i.Arguments);

        public string Last(string instruction) =>
            All(instruction).LastOrDefault() ?? throw new Xunit.Sdk.XunitException($"no {instruction} instruction");

        /// <summary>The last <paramref name="instruction"/> of one stage.</summary>
        public string FinalOf(string instruction, int stage) =>
            _instructions.Where(i => i.Stage == stage && i.Instruction == instruction).Select(i => i.Arguments).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"stage {stage} has no {instruction} instruction");
    }
}
