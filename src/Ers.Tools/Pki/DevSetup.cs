namespace Ers.Tools.Pki;

/// <summary>
/// <c>ers pki dev</c>: makes sure everything a local run needs exists, creating only what is missing, so running it
/// twice changes nothing the second time (except CRLs nearing their nextUpdate, which are re-signed).
/// </summary>
public static class DevSetup
{
    /// <summary>The server certificate is issued again when less than this is left of it.</summary>
    public static readonly TimeSpan ServerRenewal = TimeSpan.FromDays(30);

    public static IReadOnlyList<string> Ensure(string directory, string? directoryFile, string workstationId, TimeProvider time)
    {
        var report = new List<string>();
        var existed = DevPki.Exists(directory);
        var pki = DevPki.Init(directory, time);
        report.Add(existed ? $"CAs: present in {directory}" : $"CAs: created in {directory}");

        var serverCaExisted = File.Exists(DevPki.CertificatePath(directory, DevPki.ServerCaName));
        var serverProblem = pki.ServerCertificateProblem(ServerRenewal);
        if (!serverCaExisted)
        {
            report.Add($"Server CA: created ({DevPki.CertificatePath(directory, DevPki.ServerCaName)}; trust it in your browser, see README.md)");
        }

        var revokedServers = false;
        if (serverProblem is not null)
        {
            pki.IssueServer();
            report.Add(serverProblem == "missing"
                ? "Server TLS certificate (localhost, 127.0.0.1, ::1): created"
                : $"Server TLS certificate (localhost, 127.0.0.1, ::1): issued again by the server CA ({serverProblem})");
            // A PKI from before the server CA: its server certificate, signed by the workstation CA, goes on that
            // CA's CRL, and agents must now be given the server CA (--server-ca .../server-ca.crt.pem).
            revokedServers = pki.RevokeServerCertificatesOfWorkstationCa() > 0;
            if (revokedServers)
            {
                report.Add("Old server certificate of the workstation CA: revoked; point the agent's --server-ca at server-ca.crt.pem");
            }
        }

        if (!File.Exists(DevPki.CertificatePath(directory, DevPki.ClusterMemberName)) || !File.Exists(DevPki.KeyPath(directory, DevPki.ClusterMemberName)))
        {
            pki.IssueClusterMember();
            report.Add($"Cluster TLS certificate (Ers:Cluster:Tls, for silos and their clients): created, CA {DevPki.CertificatePath(directory, DevPki.ClusterCaName)}");
        }

        if (!File.Exists(DevPki.CertificatePath(directory, DevPki.IngressClientName)) || !File.Exists(DevPki.KeyPath(directory, DevPki.IngressClientName)))
        {
            pki.IssueIngressClient();
            report.Add($"Ingress client certificate (Ers:Ingress, what a TLS-terminating proxy presents to forward workstation certificates): created, CA {DevPki.CertificatePath(directory, DevPki.IngressCaName)}");
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
        pki.EnsureOidcKeys();
        if (revokedServers || CrlsNeedWriting(directory, time.GetUtcNow()))
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
