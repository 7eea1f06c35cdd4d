using System.Globalization;
using Ers.Audit;
using Ers.Audit.Fhir;
using Ers.Audit.Postgres;
using Ers.Grains;
using Ers.Tools.Commands;

namespace Ers.Tools.Search;

/// <summary>
/// <c>ers audit search</c>: one page of the audit trail (PostgreSQL, or a node's JSON-lines file) for the given filters,
/// as tab-separated lines or, with <c>--fhir</c>, FHIR R4 AuditEvent NDJSON. Records go to standard output and
/// nothing else does; the count and the cursor of the next page go to standard error. Exit codes: 0 done, 1 the trail
/// could not be read, 2 wrong usage or a refused search (inverted range, page size, cursor).
/// </summary>
public static class AuditSearchCommand
{
    public const string Usage =
        "usage: ers audit search [--connection <connection string> | --file <audit.jsonl>] [--user <uuid>] [--card <id>] " +
        "[--workstation <id>] [--ods <code>] [--session <id>] [--from <time>] [--to <time>] [--page-size <n>] [--cursor <cursor>] [--all] [--fhir] [--site <name>]";

    private static readonly string[] Options =
        ["connection", "file", "user", "card", "workstation", "ods", "session", "from", "to", "page-size", "cursor", "all", "fhir", "site"];

    private static readonly string[] Header =
        ["time", "event", "outcome", "reason", "user", "role_profile", "ods", "business_function", "session", "workstation", "card", "id"];

    /// <summary>The <c>ers audit</c> group: <c>search</c> here, <c>migrate</c> and <c>verify</c> in Ers.Audit.Postgres.</summary>
    public static async Task<int> RunGroupAsync(IReadOnlyList<string> args, CommandContext context)
    {
        switch (args.Count > 0 ? args[0] : null)
        {
            case "search":
                return await RunAsync([.. args.Skip(1)], context);
            case "migrate" or "verify":
                return await AuditMigrateCommand.RunGroupAsync(args, context.Out, context.Error);
            default:
                await context.Error.WriteLineAsync($"{AuditMigrateCommand.Usage}{Environment.NewLine}{AuditVerifyCommand.Usage}{Environment.NewLine}{Usage}");
                return 2;
        }
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context, CancellationToken cancellationToken = default)
    {
        CommandArguments options;
        AuditQuery query;
        try
        {
            options = CommandArguments.Parse(args, Options);
            query = new AuditQuery(
                UserId: options.Get("user"),
                SessionId: options.Get("session"),
                CardId: options.Get("card"),
                WorkstationId: options.Get("workstation"),
                OdsCode: options.Get("ods"),
                From: Time(options, "from"),
                To: Time(options, "to"),
                Cursor: options.Get("cursor"),
                PageSize: options.Get("page-size") is null ? null : options.GetInt("page-size", AuditSearchRules.DefaultPageSize));
        }
        catch (CommandException e)
        {
            await context.Error.WriteLineAsync($"ers audit search: {e.Message}{Environment.NewLine}{Usage}");
            return 2;
        }

        var site = options.Get("site", AuditEventMapping.DefaultSite);
        var all = Has(args, "all");
        var fhir = Has(args, "fhir");
        try
        {
            await using var trail = OpenTrail(options);
            var count = 0;
            string? next = null;
            var first = true;
            await foreach (var page in trail.PagesAsync(query, cancellationToken))
            {
                if (page.Value is not { } records)
                {
                    await context.Error.WriteLineAsync($"ers audit search: {page.Refusal!.Message} ({page.Refusal.Code})");
                    return 2;
                }

                if (!fhir && first)
                {
                    await context.Out.WriteLineAsync(string.Join('\t', Header));
                }

                first = false;

                count += fhir
                    ? await FhirAuditExport.WriteNdjsonAsync(records.Records, context.Out, site, cancellationToken)
                    : await WriteLinesAsync(records.Records, context.Out);
                next = records.NextCursor;
                if (!all)
                {
                    break;
                }
            }

            await context.Error.WriteLineAsync(next is null
                ? $"{count} record(s); last page."
                : $"{count} record(s); next page: --cursor {next}");
            return 0;
        }
        catch (CommandException e)
        {
            await context.Error.WriteLineAsync($"ers audit search: {e.Message}{Environment.NewLine}{Usage}");
            return 2;
        }
        catch (Exception e) when (e is AuditUnavailableException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // A connection string may hold a password: the failure is printed, never the string.
            await context.Error.WriteLineAsync($"ers audit search: the audit trail could not be read: {e.Message}");
            return 1;
        }
    }

    private static bool Has(IReadOnlyList<string> args, string flag) => args.Contains("--" + flag, StringComparer.Ordinal);

    private static DateTimeOffset? Time(CommandArguments options, string name) =>
        options.Get(name) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new CommandException($"--{name} must be a time such as 2026-12-01T08:00:00Z (UTC unless an offset is given); '{text}' is not.");

    /// <summary>
    /// <c>--file</c>; else PostgreSQL from <c>--connection</c> or <c>ConnectionStrings__Audit</c>; else the local run's
    /// file (<c>Ers__Audit__FilePath</c>, or <c>.ers/audit.jsonl</c> in this directory) if it exists.
    /// </summary>
    private static SearchableTrail OpenTrail(CommandArguments options)
    {
        var file = options.Get("file");
        var connection = options.Get("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Audit");
        if (file is null && string.IsNullOrWhiteSpace(connection))
        {
            file = Environment.GetEnvironmentVariable("Ers__Audit__FilePath") ?? ".ers/audit.jsonl";
            if (!File.Exists(file))
            {
                throw new CommandException(
                    $"No audit trail to search: pass --connection (or set ConnectionStrings__Audit) for PostgreSQL, or --file for a node's {GrainServices.AuditFilePathKey} file.");
            }
        }

        if (file is not null)
        {
            return File.Exists(file) ? SearchableTrail.OfFile(file) : throw new CommandException($"There is no audit file at '{file}'.");
        }

        return SearchableTrail.OfPostgres(connection!);
    }

    private static async Task<int> WriteLinesAsync(IReadOnlyList<AuditRecord> records, TextWriter output)
    {
        foreach (var r in records)
        {
            string?[] fields =
            [
                r.Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), r.Event.ToString(),
                r.Outcome.ToString(), r.Reason, r.UserId, r.RoleProfileId, r.OdsCode, r.BusinessFunction, r.SessionId,
                r.WorkstationId, r.CardId, r.Id.ToString("D"),
            ];
            // A tab or line break inside a value would shift the columns: shown as a space.
            await output.WriteLineAsync(string.Join('\t', fields.Select(f => f is null ? "-" : f.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' '))));
        }

        return records.Count;
    }
}
