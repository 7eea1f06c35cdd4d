using Ers.Tools.Commands;

namespace Ers.Tools.Pki;

/// <summary>
/// <c>ers pki ...</c>. Every subcommand works on the PKI directory given by <c>--out</c> (default <c>.ers/pki</c>).
/// </summary>
public static class PkiCommands
{
    public const string DefaultDirectory = ".ers/pki";
    public const string DefaultWorkstation = "WS-DEV-0001";

    /// <summary>CRLs are valid for a week; <c>ers pki dev</c> rewrites them when less than half of that is left.</summary>
    public static readonly TimeSpan CrlValidity = TimeSpan.FromDays(7);

    private const string Usage = """
        Usage: ers pki <subcommand> [--out DIR]   (DIR defaults to .ers/pki)
          init                                 create the smartcard root + issuing CA and the workstation CA
          issue-cards --directory FILE [--algorithm rsa|p256|both] [--days N]
                                               a card certificate for every user of a directory JSON file
          issue-workstation --id WS-...        a workstation client certificate (CN = the id)
          issue-server                         the server TLS certificate for localhost, 127.0.0.1 and ::1, signed by
                                               the server CA (made when missing)
          revoke --serial HEX                  mark an issued certificate revoked (then run 'ers pki crl')
          revoke --from FILE                   mark revoked every card certificate of the smartcard issuing CA that a
                                               saved GET /api/admin/v1/revocations answer lists (then 'ers pki crl')
          crl [--days N]                       write signed CRLs for both issuing CAs into DIR/crl
          dev [--directory FILE] [--workstation WS-...]
                                               create whatever a local run needs and is missing
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        if (args.Count == 0)
        {
            await context.Error.WriteLineAsync(Usage);
            return 2;
        }

        var rest = args.Skip(1).ToList();
        var output = context.Out;
        switch (args[0])
        {
            case "init":
                {
                    var options = CommandArguments.Parse(rest, "out");
                    var dir = options.Get("out", DefaultDirectory);
                    var existed = DevPki.Exists(dir);
                    DevPki.Init(dir, context.Time);
                    await output.WriteLineAsync(existed ? $"PKI already exists in {dir}; nothing changed." : $"Created CAs in {dir}.");
                    return 0;
                }

            case "issue-cards":
                {
                    var options = CommandArguments.Parse(rest, "out", "directory", "algorithm", "days");
                    var pki = DevPki.Open(options.Get("out", DefaultDirectory), context.Time);
                    var algorithms = ParseAlgorithms(options.Get("algorithm", "rsa"));
                    foreach (var holder in DirectoryUsers.Read(options.Require("directory")))
                    {
                        foreach (var algorithm in algorithms)
                        {
                            var card = pki.IssueCard(holder.UserId, holder.Name, algorithm, validDays: options.GetInt("days", 365));
                            await output.WriteLineAsync($"{card.UserId} {card.Algorithm} card {card.CardId} serial {card.SerialNumber} -> {card.CertificatePath}");
                        }
                    }

                    return 0;
                }

            case "issue-workstation":
                {
                    var options = CommandArguments.Parse(rest, "out", "id", "days");
                    var pki = DevPki.Open(options.Get("out", DefaultDirectory), context.Time);
                    var certificate = pki.IssueWorkstation(options.Require("id"), options.GetInt("days", 365));
                    await output.WriteLineAsync($"Workstation {options.Require("id")} serial {certificate.SerialNumber}");
                    return 0;
                }

            case "issue-server":
                {
                    var options = CommandArguments.Parse(rest, "out", "days");
                    var pki = DevPki.Open(options.Get("out", DefaultDirectory), context.Time);
                    var certificate = pki.IssueServer(options.GetInt("days", 365));
                    await output.WriteLineAsync($"Server certificate serial {certificate.SerialNumber}");
                    return 0;
                }

            case "revoke":
                {
                    var options = CommandArguments.Parse(rest, "out", "serial", "from");
                    var pki = DevPki.Open(options.Get("out", DefaultDirectory), context.Time);
                    if (options.Get("from") is { } from)
                    {
                        var (serials, otherCas) = ErsRevocationList.SerialsOf(from, pki.SmartcardIssuing.Certificate);
                        var (newly, already, unknown) = (0, 0, 0);
                        foreach (var listed in serials)
                        {
                            try
                            {
                                _ = pki.Revoke(listed) ? newly++ : already++;
                            }
                            catch (PkiException)
                            {
                                unknown++; // the CA's certificate, but not one this PKI's index holds
                            }
                        }

                        await output.WriteLineAsync($"Revoked {newly} of {serials.Count} listed certificates of the smartcard issuing CA " +
                            $"({already} already revoked, {unknown} not issued here; {otherCas} of other CAs skipped); run 'ers pki crl' to publish them.");
                        return 0;
                    }

                    var serial = options.Require("serial");
                    await output.WriteLineAsync(pki.Revoke(serial)
                        ? $"Revoked {DevPki.NormaliseSerial(serial)}; run 'ers pki crl' to publish it."
                        : $"{DevPki.NormaliseSerial(serial)} was already revoked.");
                    return 0;
                }

            case "crl":
                {
                    var options = CommandArguments.Parse(rest, "out", "days");
                    var pki = DevPki.Open(options.Get("out", DefaultDirectory), context.Time);
                    foreach (var path in pki.WriteCrls(TimeSpan.FromDays(options.GetInt("days", (int)CrlValidity.TotalDays))))
                    {
                        await output.WriteLineAsync($"Wrote {path}");
                    }

                    return 0;
                }

            case "dev":
                {
                    var options = CommandArguments.Parse(rest, "out", "directory", "workstation");
                    var report = DevSetup.Ensure(
                        options.Get("out", DefaultDirectory), options.Get("directory"),
                        options.Get("workstation", DefaultWorkstation), context.Time);
                    foreach (var line in report)
                    {
                        await output.WriteLineAsync(line);
                    }

                    return 0;
                }

            default:
                await context.Error.WriteLineAsync(Usage);
                return 2;
        }
    }

    private static KeyAlgorithm[] ParseAlgorithms(string value) => value switch
    {
        "rsa" => [KeyAlgorithm.Rsa2048],
        "p256" => [KeyAlgorithm.EcdsaP256],
        "both" => [KeyAlgorithm.Rsa2048, KeyAlgorithm.EcdsaP256],
        _ => throw new CommandException("--algorithm must be rsa, p256 or both."),
    };
}
