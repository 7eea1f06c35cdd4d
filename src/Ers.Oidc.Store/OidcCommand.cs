using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Ers.Oidc.Store;

/// <summary>
/// <c>ers oidc add|list</c>: registers an application in the provider's store, or lists them, on PostgreSQL
/// (<c>--connection</c>, else <c>ConnectionStrings__Oidc</c>) or a SQLite file (<c>--sqlite</c>). The tables are
/// created first if missing (the same step the web nodes take). An application also named in <c>Ers:Oidc:Clients</c>
/// is set back to its configuration at each web node's start.
/// </summary>
public static class OidcCommand
{
    public const string Usage =
        "usage: ers oidc add --client-id ID --redirect-uri URI [--redirect-uri URI ...] [--backchannel-logout-uri URI] " +
        "[--scope SCOPE ...] [--display-name NAME] [--no-refresh] (--connection CS | --sqlite FILE)\n" +
        "       ers oidc list (--connection CS | --sqlite FILE)";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] is not ("add" or "list"))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                await error.WriteLineAsync($"ers oidc: unexpected '{name}'\n{Usage}");
                return 2;
            }

            if (name == "--no-refresh")
            {
                options[name] = [];
                continue;
            }

            if (i + 1 >= args.Count)
            {
                await error.WriteLineAsync($"ers oidc: {name} needs a value\n{Usage}");
                return 2;
            }

            (options.TryGetValue(name, out var values) ? values : options[name] = []).Add(args[++i]);
        }

        var sqlite = options.GetValueOrDefault("--sqlite")?.LastOrDefault();
        var connection = options.GetValueOrDefault("--connection")?.LastOrDefault() ?? Environment.GetEnvironmentVariable("ConnectionStrings__Oidc");
        if (sqlite is null && string.IsNullOrEmpty(connection))
        {
            await error.WriteLineAsync($"ers oidc: name the store with --connection (PostgreSQL) or --sqlite\n{Usage}");
            return 2;
        }

        var services = new ServiceCollection()
            .AddOidcStore(sqlite is null ? OidcStoreKind.Postgres : OidcStoreKind.Sqlite, sqlite ?? connection!)
            .BuildServiceProvider();
        await using (services)
        {
            await using var scope = services.CreateAsyncScope();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var db = scope.ServiceProvider.GetRequiredService<OidcDbContext>();
            return args[0] == "add"
                ? await AddAsync(db, applications, options, output, error)
                : await ListAsync(db, applications, output);
        }
    }

    private static async Task<int> AddAsync(OidcDbContext db, IOpenIddictApplicationManager applications, Dictionary<string, List<string>> options, TextWriter output, TextWriter error)
    {
        var client = new OidcClientOptions
        {
            ClientId = options.GetValueOrDefault("--client-id")?.LastOrDefault() ?? "",
            DisplayName = options.GetValueOrDefault("--display-name")?.LastOrDefault(),
            RedirectUris = options.GetValueOrDefault("--redirect-uri") ?? [],
            BackChannelLogoutUri = options.GetValueOrDefault("--backchannel-logout-uri")?.LastOrDefault(),
            Scopes = options.GetValueOrDefault("--scope") ?? [OidcScopes.Profile],
            AllowRefreshTokens = !options.ContainsKey("--no-refresh"),
        };
        if (client.Validate("ers oidc add").ToList() is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(problem);
            }

            return 2;
        }

        await OidcSchema.EnsureAsync(db, () => OidcClientRegistration.UpsertAsync(applications, client, CancellationToken.None), CancellationToken.None);
        await output.WriteLineAsync($"Registered {client.ClientId}: {string.Join(", ", client.RedirectUris)}");
        return 0;
    }

    private static async Task<int> ListAsync(OidcDbContext db, IOpenIddictApplicationManager applications, TextWriter output)
    {
        await OidcSchema.EnsureAsync(db, async () =>
        {
            await foreach (var application in applications.ListAsync(count: null, offset: null, CancellationToken.None))
            {
                var id = await applications.GetClientIdAsync(application);
                var redirects = await applications.GetRedirectUrisAsync(application);
                var permissions = await applications.GetPermissionsAsync(application);
                var properties = await applications.GetPropertiesAsync(application);
                var logout = properties.TryGetValue(OidcClientRegistration.BackChannelLogoutProperty, out var uri) && uri.ValueKind == JsonValueKind.String ? uri.GetString() : "-";
                var scopes = permissions.Where(p => p.StartsWith(OpenIddictConstants.Permissions.Prefixes.Scope, StringComparison.Ordinal))
                    .Select(p => p[OpenIddictConstants.Permissions.Prefixes.Scope.Length..]);
                await output.WriteLineAsync($"{id}\tredirect: {string.Join(" ", redirects)}\tback-channel logout: {logout}\tscopes: openid {string.Join(" ", scopes)}");
            }
        }, CancellationToken.None);
        return 0;
    }
}
