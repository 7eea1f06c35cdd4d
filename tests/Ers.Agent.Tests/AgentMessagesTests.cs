using System.Reflection;
using System.Text.RegularExpressions;
using Ers.Agent.Api;
using Ers.Agent.Journey;
using Ers.Api;

namespace Ers.Agent.Tests;

/// <summary>Every refusal the agents' API can return reaches the user as a plain sentence, never as a code.</summary>
public sealed partial class AgentMessagesTests
{
    private static List<string> Codes() =>
        [.. ConstantsOf(typeof(ApiErrorCodes)).Concat(ConstantsOf(typeof(RefusalCodes))).Distinct().Where(c => !ConsoleOnly(c) && !SiloToWebOnly(c))];

    /// <summary>
    /// A code the silos answer only to a web node, never passed on to anyone (IEdgeAuditGrain refusing an entry: a
    /// defect in that node, logged there).
    /// </summary>
    private static bool SiloToWebOnly(string code) => code == RefusalCodes.AuditEdgeEntry;

    /// <summary>
    /// Codes only the RA console and the admin API answer (src/Ers.Web/Apis/AdminApiHandlers.cs, to an RA's browser
    /// session), never the agents' API: the console pages say them in sentences of their own.
    /// </summary>
    private static bool ConsoleOnly(string code) =>
        code.StartsWith("ra.", StringComparison.Ordinal) || code.StartsWith("audit-search.", StringComparison.Ordinal)
        || code.StartsWith("directory.", StringComparison.Ordinal)
        || code is ApiErrorCodes.SessionRequired or RefusalCodes.CardUnknown;

    public static TheoryData<string> AllCodes()
    {
        var data = new TheoryData<string>();
        foreach (var code in Codes())
        {
            data.Add(code);
        }
        return data;
    }

    private static IEnumerable<string> ConstantsOf(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void Every_refusal_code_has_a_plain_sentence(string code)
    {
        Assert.True(AgentMessages.RefusalSentences.ContainsKey(code), $"No sentence for refusal code {code} in AgentMessages.RefusalSentences.");
        var sentence = AgentMessages.Describe(new AgentApiException(403, code, code));
        Assert.DoesNotContain(code, sentence, StringComparison.Ordinal);
        Assert.DoesNotContain("403", sentence, StringComparison.Ordinal);
        Assert.EndsWith(".", sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void The_code_lists_are_not_empty_and_hold_the_measured_refusals()
    {
        var codes = Codes();
        Assert.Contains("user.no-role-profiles", codes);
        Assert.Contains("session.concurrent-limit", codes);
        Assert.True(codes.Count >= 35, $"Only {codes.Count} codes found by reflection.");
    }

    [Fact]
    public void Every_code_the_agents_api_readme_lists_has_a_sentence()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "src/Ers.Web/Apis/README.md"));
        var table = readme[readme.IndexOf("## Refusals", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var listed = CodeInBackticks().Matches(table).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(listed);
        foreach (var code in listed)
        {
            if (code.EndsWith(".*", StringComparison.Ordinal))
            {
                Assert.Contains(AgentMessages.RefusalSentences.Keys, k => k.StartsWith(code[..^1], StringComparison.Ordinal));
            }
            else
            {
                Assert.True(AgentMessages.RefusalSentences.ContainsKey(code), $"The README lists {code}, which has no sentence.");
            }
        }
    }

    [Fact]
    public void The_measured_refusal_is_a_sentence_not_a_status_and_code()
    {
        var sentence = AgentMessages.Describe(new AgentApiException(403, "user.no-role-profiles", "user.no-role-profiles"));
        Assert.Equal(AgentMessages.NoRoles, sentence);
        Assert.DoesNotContain("refused", AgentMessages.Describe(new AgentApiException(418, "some.future-code", "x")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "Enter your passcode (1 try left).")]
    [InlineData(2, "Enter your passcode (2 tries left).")]
    [InlineData(3, "Enter your passcode (3 tries left).")]
    public void Tries_left_is_grammatical(int triesLeft, string expected) =>
        Assert.Equal(expected, AgentMessages.EnterPin(triesLeft));

    [Fact]
    public void The_agent_does_not_reference_orleans() =>
        Assert.DoesNotContain(typeof(AgentMessages).Assembly.GetReferencedAssemblies(),
            a => a.Name!.StartsWith("Orleans", StringComparison.Ordinal) || a.Name!.StartsWith("Ers.Grains", StringComparison.Ordinal));

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ers.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Ers.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"`([a-z-]+\.(?:[a-z-]+|\*))`")]
    private static partial Regex CodeInBackticks();
}
