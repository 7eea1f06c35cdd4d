namespace Ers.Tools.Pki;

/// <summary>
/// <c>ers pki dev</c>: makes sure everything a local run needs exists, creating only what is missing, so running it
/// twice changes nothing the second time (except CRLs nearing their nextUpdate, which are re-signed).
/// </summary>
public static class DevSetup
{
    public static IReadOnlyList<string> Ensure(string directory, string? directoryFile, string workstationId, TimeProvider time)
    {
        var report = new List<string>();
        var existed = DevPki.Exists(directory);
        var pki = DevPki.Init(directory, time);
        report.Add(existed ? $"CAs: present in {directory}" : $"CAs: created in {directory}");

        if (!File.Exists(DevPki.PfxPath(directory, DevPki.ServerName)))
        {
            pki.IssueServer();
            report.Add("Server TLS certificate (127.0.0.1, localhost): created");
        }

        var workstations = Path.Combine(directory, "workstations");
        if (!File.Exists(DevPki.PfxPath(workstations, workstationId)))
        {
            pki.IssueWorkstation(workstationId);
            report.Add($"Workstation certificate {workstationId}: created");
        }

        if (directoryFile is not null)
        {
            var cards = Path.Combine(directory, "cards");
            foreach (var holder in DirectoryUsers.Read(directoryFile))
            {
                if (!File.Exists(Path.Combine(cards, $"{holder.UserId}-rsa.json")))
                {
                    var card = pki.IssueCard(holder.UserId, holder.Name, KeyAlgorithm.Rsa2048);
                    report.Add($"Card for {holder.Name} ({holder.UserId}): card id {card.CardId}");
                }
            }
        }

        pki.EnsureTokenKey();
        if (CrlsNeedWriting(directory, time.GetUtcNow()))
        {
            pki.WriteCrls(PkiCommands.CrlValidity);
            report.Add("CRLs: written");
        }

        return report;
    }

    private static bool CrlsNeedWriting(string directory, DateTimeOffset now)
    {
        foreach (var name in new[] { DevPki.SmartcardIssuingName, DevPki.WorkstationCaName })
        {
            var path = DevPki.CrlPath(directory, name);
            if (!File.Exists(path) || File.GetLastWriteTimeUtc(path) < (now - PkiCommands.CrlValidity / 2).UtcDateTime)
            {
                return true;
            }
        }

        return false;
    }
}
