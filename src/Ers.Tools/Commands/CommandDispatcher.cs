using Ers.Tools.Pki;

namespace Ers.Tools.Commands;

/// <summary>
/// Dispatches <c>ers GROUP SUBCOMMAND --options</c>. Adding a command group is one line in <see cref="Groups"/>.
/// Exit codes: 0 done, 1 refused or failed (message on stderr), 2 wrong usage.
/// </summary>
public static class CommandDispatcher
{
    public static IReadOnlyList<CommandGroup> Groups { get; } =
    [
        new("pki", "Development PKI: CAs, card, workstation and server certificates, CRLs.", PkiCommands.RunAsync),
        new("crl", "Revocation: `refresh --silo URL` makes the cluster re-read every CRL now.", Crl.CrlCommands.RunAsync),
        new("audit", "Audit trail: `migrate` creates or upgrades the PostgreSQL schema (idempotent); `verify` checks the hash chain over every record.", (a, c) => Ers.Audit.Postgres.AuditMigrateCommand.RunGroupAsync(a, c.Out, c.Error)),
        new("oidc", "Single sign-on: `add` registers an application (client id, redirect URIs, back-channel logout URI, scopes), `list` shows them.", (a, c) => Ers.Oidc.Store.OidcCommand.RunAsync(a, c.Out, c.Error)),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        var group = args.Count > 0 ? Groups.FirstOrDefault(g => g.Name == args[0]) : null;
        if (group is null)
        {
            await context.Error.WriteLineAsync("Usage: ers <command> ...");
            foreach (var g in Groups)
            {
                await context.Error.WriteLineAsync($"  {g.Name,-12} {g.Summary}");
            }

            return 2;
        }

        try
        {
            return await group.RunAsync(args.Skip(1).ToList(), context);
        }
        catch (CommandException e)
        {
            await context.Error.WriteLineAsync($"ers {group.Name}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is PkiException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            await context.Error.WriteLineAsync($"ers {group.Name}: {e.Message}");
            return 1;
        }
    }
}
