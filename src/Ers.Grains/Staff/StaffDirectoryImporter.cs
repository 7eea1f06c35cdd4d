using Ers.Audit;
using Ers.Grains.Audit;

namespace Ers.Grains.Staff;

/// <summary>Imports a directory file into the user grains, after checking all of it.</summary>
public sealed class StaffDirectoryImporter(IGrainFactory grains, IAuditTrail auditTrail, TimeProvider time)
{
    /// <summary>
    /// Checks the whole file, then replaces each listed user's profile in one step per user, ending their live
    /// sessions in a role profile removed or changed (<see cref="DirectoryChangeApplier"/>). An invalid file is
    /// refused whole: no user is touched.
    /// </summary>
    public async Task<DirectoryParseResult> ImportAsync(string json, string source, CancellationToken cancellationToken = default)
    {
        var parsed = StaffDirectoryFile.Parse(json);
        var audit = new Auditor(auditTrail, time);
        if (!parsed.IsValid)
        {
            await audit.RecordAsync(audit.New(AuditEvent.DirectoryImported, AuditOutcome.Failure, "directory.invalid"));
            return parsed;
        }

        // Each listed user's entry is replaced, and their live sessions in a role profile it removed or changed end.
        var applier = new DirectoryChangeApplier(grains);
        var ended = 0;
        foreach (var user in parsed.Users)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ended += (await applier.ApplyAsync(user)).Count;
        }

        await applier.FlushIndexAsync();

        var sessions = ended == 0 ? "" : $"; {ended} live sessions ended (role-removed)";
        await audit.RecordAsync(audit.New(AuditEvent.DirectoryImported, reason: $"{parsed.Users.Count} users from {Path.GetFileName(source)}{sessions}"));
        return parsed;
    }

    public async Task<DirectoryParseResult> ImportFileAsync(string path, CancellationToken cancellationToken = default) =>
        await ImportAsync(await File.ReadAllTextAsync(path, cancellationToken), path, cancellationToken);
}
