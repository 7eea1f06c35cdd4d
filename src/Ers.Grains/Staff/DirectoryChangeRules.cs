using System.Security.Cryptography;
using System.Text;
using Ers.Sessions;
using Ers.Staff;

namespace Ers.Grains.Staff;

/// <summary>
/// What a directory import changes, decided before anything changes. An import replaces the entry of each user it
/// lists; with a scope (an RA's organisations) it replaces only the role profiles at those organisations and keeps
/// the user's others, and a file that names a role profile elsewhere is refused whole. A role profile that is removed,
/// or changed (its copy in a live session would be stale), ends the live sessions in it; one that is added is offered
/// at the next login (roles are copied into a session when it starts).
/// </summary>
public static class DirectoryChangeRules
{
    /// <summary>
    /// The plan of an import of <paramref name="file"/>'s users over the entries the directory holds for them
    /// (<paramref name="current"/>: null for a user it does not know), within <paramref name="scope"/> (null: the
    /// whole directory, as the start-up import).
    /// </summary>
    public static Outcome<DirectoryPlan> Plan(IReadOnlyList<StaffUser> file, IReadOnlyDictionary<string, StaffUser?> current, IReadOnlyCollection<string>? scope)
    {
        bool InScope(RoleProfile p) => scope is null || scope.Contains(p.OdsCode, StringComparer.Ordinal);

        var changes = new List<DirectoryUserChange>();
        var unchanged = 0;
        var fingerprint = new StringBuilder();
        foreach (var user in file)
        {
            if (user.RoleProfiles.FirstOrDefault(p => !InScope(p)) is { } outside)
            {
                return OutOfScope($"The file gives user {user.UserId} the role profile {outside.RoleProfileId} at {outside.OdsCode}, which is outside the organisations your RA role covers. Nothing was changed.");
            }

            var before = current.GetValueOrDefault(user.UserId);
            var beforeInScope = before?.RoleProfiles.Where(InScope).ToList() ?? [];
            var renamed = before is not null && before.Name != user.Name;
            if (renamed && scope is not null && beforeInScope.Count == 0 && user.RoleProfiles.Count == 0)
            {
                return OutOfScope($"The file renames user {user.UserId}, who holds no role profile in the organisations your RA role covers. Nothing was changed.");
            }

            var after = new StaffUser(user.UserId, user.Name, [.. before?.RoleProfiles.Where(p => !InScope(p)) ?? [], .. user.RoleProfiles]);
            fingerprint.Append(user.UserId).Append('\u001f').Append(Canonical(before)).Append('\u001f').Append(Canonical(after)).Append('\u001e');

            var added = user.RoleProfiles.Where(p => beforeInScope.All(b => b.RoleProfileId != p.RoleProfileId)).ToList();
            var removed = beforeInScope.Where(b => user.RoleProfiles.All(p => p.RoleProfileId != b.RoleProfileId)).ToList();
            var changed = user.RoleProfiles.Where(p => beforeInScope.FirstOrDefault(b => b.RoleProfileId == p.RoleProfileId) is { } b && !b.Equals(p)).ToList();
            if (before is not null && !renamed && added.Count == 0 && removed.Count == 0 && changed.Count == 0)
            {
                unchanged++;
                continue;
            }

            var kind = before is null ? DirectoryUserChangeKind.Added
                : beforeInScope.Count > 0 && user.RoleProfiles.Count == 0 ? DirectoryUserChangeKind.Removed
                : DirectoryUserChangeKind.Changed;
            changes.Add(new DirectoryUserChange(user.UserId, user.Name, kind, renamed ? before!.Name : null, added, removed, changed, after));
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint.ToString())));
        return Outcome<DirectoryPlan>.Success(new DirectoryPlan(changes, unchanged, hash));
    }

    /// <summary>The role profiles of <paramref name="before"/> that <paramref name="after"/> removes or changes.</summary>
    public static IReadOnlySet<string> StaleRoleProfileIds(StaffUser? before, StaffUser after) =>
        (before?.RoleProfiles ?? [])
            .Where(b => after.RoleProfiles.FirstOrDefault(a => a.RoleProfileId == b.RoleProfileId) is not { } a || !a.Equals(b))
            .Select(b => b.RoleProfileId)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether a directory change that made <paramref name="stale"/> stale ends a session: a live one in such a role,
    /// or one still choosing its role from a list that offers one.
    /// </summary>
    public static bool EndsSession(SessionSnapshot? session, IReadOnlySet<string> stale) =>
        session is { IsLive: true } && (session.Role is { } role
            ? stale.Contains(role.RoleProfileId)
            : session.AvailableRoles.Any(r => stale.Contains(r.RoleProfileId)));

    /// <summary>What an audit record says about one user's change (bounded).</summary>
    public static string Describe(DirectoryUserChange change)
    {
        static string Ids(IReadOnlyList<RoleProfile> profiles) => string.Join(',', profiles.Select(p => p.RoleProfileId));
        var parts = new List<string> { $"user {change.UserId} {change.Kind.ToString().ToLowerInvariant()}" };
        if (change.ProfilesAdded.Count > 0)
        {
            parts.Add("added " + Ids(change.ProfilesAdded));
        }

        if (change.ProfilesRemoved.Count > 0)
        {
            parts.Add("removed " + Ids(change.ProfilesRemoved));
        }

        if (change.ProfilesChanged.Count > 0)
        {
            parts.Add("changed " + Ids(change.ProfilesChanged));
        }

        if (change.PreviousName is not null)
        {
            parts.Add("renamed");
        }

        return string.Join("; ", parts);
    }

    private static string Canonical(StaffUser? user) => user is null
        ? "-"
        : user.Name + "\u001d" + string.Join("\u001d", user.RoleProfiles.Select(p =>
            string.Join('|', p.RoleProfileId, p.OdsCode, p.OrganisationName, p.JobRoleCode, p.JobRoleName, string.Join(',', p.Activities))));

    private static Refusal OutOfScope(string message) => new(RefusalCodes.RaOutOfScope, message);
}
