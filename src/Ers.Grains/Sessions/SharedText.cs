using System.Collections.Concurrent;
using Ers.Staff;

namespace Ers.Grains.Sessions;

/// <summary>
/// One shared copy of the text that many resident sessions hold alike: a role's organisation code and name, job role
/// code and name, and activity codes, and the application names of chosen business functions. Each session read
/// from storage or given a role otherwise carries its own copies (about 0.3 KB a session of the silo's heap at 1M
/// held sessions, docs/performance/report.md). Bounded, so a directory whose names keep changing cannot grow it
/// without limit: past the bound a value is simply not shared.
/// </summary>
public static class SharedText
{
    private const int Capacity = 100_000;

    private static readonly ConcurrentDictionary<string, string> Strings = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string[]> Lists = new(StringComparer.Ordinal);
    private static int _count;

    /// <summary>The shared copy of <paramref name="value"/> (the value itself when it is new and the pool is full).</summary>
    public static string Of(string value)
    {
        if (Strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (Volatile.Read(ref _count) >= Capacity)
        {
            return value;
        }

        shared = Strings.GetOrAdd(value, value);
        if (ReferenceEquals(shared, value))
        {
            Interlocked.Increment(ref _count);
        }

        return shared;
    }

    /// <summary>The role with its shared text; its own id (one person's role) is kept as it is.</summary>
    public static RoleProfile Of(RoleProfile role) => role with
    {
        OdsCode = Of(role.OdsCode),
        OrganisationName = Of(role.OrganisationName),
        JobRoleCode = Of(role.JobRoleCode),
        JobRoleName = Of(role.JobRoleName),
        Activities = Of(role.Activities),
    };

    /// <summary>The business-function choices keyed by shared application names.</summary>
    public static Dictionary<string, BusinessFunction> Of(Dictionary<string, BusinessFunction> functions)
    {
        var shared = new Dictionary<string, BusinessFunction>(functions.Count, functions.Comparer);
        foreach (var (application, function) in functions)
        {
            shared[Of(application)] = function;
        }

        return shared;
    }

    // One list instance for equal activity lists; never changed once shared (a role profile is immutable).
    private static IReadOnlyList<string> Of(IReadOnlyList<string> activities)
    {
        var key = string.Join('\u001f', activities);
        if (Lists.TryGetValue(key, out var shared))
        {
            return shared;
        }

        var copy = activities.Select(Of).ToArray();
        if (Volatile.Read(ref _count) >= Capacity)
        {
            return copy;
        }

        shared = Lists.GetOrAdd(key, copy);
        if (ReferenceEquals(shared, copy))
        {
            Interlocked.Increment(ref _count);
        }

        return shared;
    }
}
