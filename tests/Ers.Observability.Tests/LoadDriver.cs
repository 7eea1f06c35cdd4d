using System.Net.Http.Json;
using Ers.Cards;
using Ers.Grains.Telemetry;
using Ers.Sessions;
using Ers.Staff;
using Ers.Testing.Silos;
using Ers.Workstations;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Observability.Tests;

/// <summary>
/// Drives a known mix of logins, refusals, role choices and session ends through the host's grains and keeps
/// count of what it drove, so the dashboard's numbers can be checked against it.
/// </summary>
public sealed class LoadDriver(ErsWebHost host)
{
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromMinutes(5);

    private static long _nextDigits = 400_000_000_000 + Random.Shared.Next(0, 1_000_000) * 1000L;

    public Dictionary<string, int> Failures { get; } = [];

    public Dictionary<string, int> Ended { get; } = [];

    public Dictionary<string, int> Active { get; } = new() { [OrganisationKind.Referrer] = 0, [OrganisationKind.Provider] = 0 };

    public int Successes { get; private set; }

    public int PinLockouts { get; private set; }

    public int HeartbeatsLost { get; private set; }

    public int BusinessFunctionSelections { get; private set; }

    /// <summary>
    /// Business functions selected, by code: the chosen ones and those of one-function roles, which the session
    /// chooses without asking and counts alike (src/Ers.Grains/Sessions/SessionGrain.cs).
    /// </summary>
    public Dictionary<string, int> FunctionSelections { get; } = new(StringComparer.Ordinal);

    /// <summary>Every user created, for the personal-data check.</summary>
    public List<StaffUser> Users { get; } = [];

    public List<string> OtherIdentifiers { get; } = [];

    private IGrainFactory Grains => host.Grains;

    public static string NewDigits() => Interlocked.Increment(ref _nextDigits).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<StaffUser> NewUserAsync(string name, params string[][] profilesActivities)
    {
        var user = new StaffUser(NewDigits(), name,
            profilesActivities.Select(a => new RoleProfile(NewDigits(), "RYY", "Test Trust", "S8000:G8000:R8000", "Clinical Practitioner Access Role", a)).ToList());
        await Grains.GetGrain<IUserGrain>(user.UserId).ImportAsync(user);
        Users.Add(user);
        return user;
    }

    /// <summary>A login that succeeds with the user's only role (chosen automatically).</summary>
    public async Task<Login> LoginAsync(StaffUser user, string? kind)
    {
        var login = await StartAsync(user);
        Assert.True(login.Outcome.IsSuccess, login.Outcome.Refusal?.Code);
        Successes++;
        if (kind is not null)
        {
            Active[kind]++;
        }

        return login;
    }

    public async Task<Login> StartAsync(StaffUser user, bool insert = true)
    {
        var card = $"card-{Guid.NewGuid():N}";
        var workstation = $"WS-{Guid.NewGuid():N}"[..16];
        OtherIdentifiers.AddRange([card, workstation]);
        var grain = Grains.GetGrain<ICardGrain>(card);
        using var key = CardLogins.NewKey();
        var challenge = (await grain.PresentAsync(workstation, user.UserId, key)).Value!.Challenge;
        if (!insert)
        {
            // Taken out before the card's answer arrived.
            Assert.True((await grain.RemovedAsync(workstation)).IsSuccess);
        }

        var outcome = await grain.AnswerAsync(workstation, challenge, key);
        var session = outcome.Value?.SessionId ?? "";
        if (session.Length > 0)
        {
            OtherIdentifiers.Add(session);
        }

        return new Login(card, workstation, session, outcome);
    }

    public async Task RefusedAsync(Func<Task<Login>> attempt, string expectedCode)
    {
        var login = await attempt();
        Assert.Equal(expectedCode, login.Outcome.Refusal?.Code);
        Failures[expectedCode] = Failures.GetValueOrDefault(expectedCode) + 1;
    }

    /// <summary>A card the agent reports PIN-blocked, then tried: one lockout and one refused login.</summary>
    public async Task BlockedCardAsync(StaffUser user)
    {
        var card = $"card-{Guid.NewGuid():N}";
        var workstation = $"WS-{Guid.NewGuid():N}"[..16];
        OtherIdentifiers.AddRange([card, workstation]);
        var grain = Grains.GetGrain<ICardGrain>(card);
        using var key = CardLogins.NewKey();
        var challenge = (await grain.PresentAsync(workstation, user.UserId, key)).Value!.Challenge;
        await grain.BlockedAsync(workstation);
        PinLockouts++;
        await RefusedAsync(async () => new Login(card, workstation, "", await grain.AnswerAsync(workstation, challenge, key)), RefusalCodes.CardBlocked);
    }

    public async Task SelectRoleAsync(Login login, RoleProfile role, string kind)
    {
        var chosen = await Grains.GetGrain<ISessionGrain>(login.SessionId).SelectRoleAsync(role.RoleProfileId);
        Assert.True(chosen.IsSuccess, chosen.Refusal?.Code);
        Active[kind]++;
    }

    public async Task SelectBusinessFunctionAsync(Login login, BusinessFunction function)
    {
        var chosen = await Grains.GetGrain<ISessionGrain>(login.SessionId).SelectBusinessFunctionAsync(BusinessFunctions.ReferralsApplication, function);
        Assert.True(chosen.IsSuccess, chosen.Refusal?.Code);
        BusinessFunctionSelections++;
        Count(BusinessFunctions.Get(function).ActivityCode);
    }

    private void Count(string code) => FunctionSelections[code] = FunctionSelections.GetValueOrDefault(code) + 1;

    public async Task RemoveCardAsync(Login login, string kind)
    {
        await Grains.GetGrain<ICardGrain>(login.CardId).RemovedAsync(login.WorkstationId);
        Ended[SessionEndReasons.Code(SessionEndReason.CardRemoved)] = Ended.GetValueOrDefault("card-removed") + 1;
        Active[kind]--;
    }

    public async Task LogoutAsync(Login login, string kind)
    {
        await Grains.GetGrain<ISessionGrain>(login.SessionId).EndAsync(SessionEndReason.Logout);
        Ended["logout"] = Ended.GetValueOrDefault("logout") + 1;
        Active[kind]--;
    }

    /// <summary>The workstation's agent goes silent past the heartbeat timeout: its session ends.</summary>
    public async Task LoseAgentAsync(Login login, string kind)
    {
        var workstation = Grains.GetGrain<IWorkstationGrain>(login.WorkstationId);
        // The session announces itself to the workstation one-way: wait until it has arrived.
        await Eventually.TrueAsync(async () => (await workstation.GetAsync()).SessionIds.Contains(login.SessionId),
            "the workstation to know its session");
        host.Clock.Advance(HeartbeatTimeout + TimeSpan.FromSeconds(1));
        await workstation.CheckHeartbeatAsync();
        Assert.True((await workstation.GetAsync()).AgentLost);
        HeartbeatsLost++;
        Ended["agent-lost"] = Ended.GetValueOrDefault("agent-lost") + 1;
        Active[kind]--;
    }

    public int CertificatesValid { get; private set; }

    public int CertificatesRevoked { get; private set; }

    public int ServerErrors { get; private set; }

    public Dictionary<string, int> RoleSelections { get; } = new() { [OrganisationKind.Referrer] = 0, [OrganisationKind.Provider] = 0 };

    public int LoginAttempts => Successes + Failures.Values.Sum();

    /// <summary>
    /// One round of everything the dashboard shows: successful logins of both organisation kinds (one through
    /// HTTP), a role chosen by hand, a business function, each kind of refusal, each way of ending, a PIN
    /// lockout, a lost agent, certificate checks and a stale CRL, and server errors. Round number varies the
    /// extra refusals so the picture is not flat.
    /// </summary>
    public async Task RoundAsync(int round, HttpClient http)
    {
        var referrers = new List<Login>();
        for (var i = 0; i < 3; i++)
        {
            referrers.Add(await LoginAsync(await NewUserAsync($"Dr Referrer {Guid.NewGuid():N}", ["B1101"]), OrganisationKind.Referrer));
            RoleSelections[OrganisationKind.Referrer]++;
            Count("B1101");
        }

        var providers = new List<Login>();
        for (var i = 0; i < 2; i++)
        {
            providers.Add(await LoginAsync(await NewUserAsync($"Dr Provider {Guid.NewGuid():N}", ["B1110", "B1115"]), OrganisationKind.Provider));
            RoleSelections[OrganisationKind.Provider]++;
        }

        await SelectBusinessFunctionAsync(providers[0], BusinessFunction.ServiceProviderClinicianAdmin);

        var both = await NewUserAsync($"Dr Both {Guid.NewGuid():N}", ["B1101"], ["B1110"]);
        var awaiting = await LoginAsync(both, kind: null);
        await SelectRoleAsync(awaiting, both.RoleProfiles[1], OrganisationKind.Provider);
        RoleSelections[OrganisationKind.Provider]++;
        Count("B1110");

        await HttpLoginAsync(http, await NewUserAsync($"Dr Http {Guid.NewGuid():N}", ["B1101"]));
        RoleSelections[OrganisationKind.Referrer]++;
        Count("B1101");

        for (var i = 0; i < 2 + round % 3; i++)
        {
            await RefusedAsync(() => StartAsync(new StaffUser(NewDigits(), "Not In Directory", [])), RefusalCodes.UserUnknown);
        }

        await RefusedAsync(() => StartAsync(Users[^1], insert: false), RefusalCodes.CardNotInserted);
        await BlockedCardAsync(Users[^1]);

        await RemoveCardAsync(referrers[0], OrganisationKind.Referrer);
        await LogoutAsync(providers[1], OrganisationKind.Provider);
        await LoseAgentAsync(referrers[1], OrganisationKind.Referrer);

        for (var i = 0; i < 7 + round % 4; i++)
        {
            Metrics.CertificateValidated("valid");
            CertificatesValid++;
        }

        Metrics.CertificateValidated("revoked");
        CertificatesRevoked++;

        for (var i = 0; i < 2; i++)
        {
            using var failed = await http.GetAsync(ErsWebHost.FailPath.TrimStart('/'));
            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, failed.StatusCode);
            ServerErrors++;
        }
    }

    /// <summary>
    /// The age of the CRL the web host really loaded (ers pki's, refreshed by the host's own CrlRefreshService on
    /// the rules' clock, which each round moves on).
    /// </summary>
    public TimeSpan CrlAge => host.Clock.GetUtcNow() - host.Services.GetRequiredService<Ers.Web.Security.CardCrls>().Store.OldestThisUpdate!.Value;

    public async Task<Login> HttpLoginAsync(HttpClient http, StaffUser user)
    {
        var login = new ErsWebHost.LoginRequest(user.UserId, $"card-{Guid.NewGuid():N}", $"WS-{Guid.NewGuid():N}"[..16]);
        using var response = await http.PostAsJsonAsync(ErsWebHost.LoginPath.TrimStart('/'), login);
        Assert.Equal("Active", await response.Content.ReadAsStringAsync());
        var sessionId = Assert.Single(response.Headers.GetValues(ErsWebHost.SessionHeader));
        OtherIdentifiers.AddRange([login.CardId, login.WorkstationId, sessionId]);
        Successes++;
        Active[OrganisationKind.Referrer]++;
        return new Login(login.CardId, login.WorkstationId, sessionId, Outcome<SessionSnapshot>.Success(null!));
    }

    public ErsMetrics Metrics => host.Services.GetRequiredService<ErsMetrics>();

    public sealed record Login(string CardId, string WorkstationId, string SessionId, Outcome<SessionSnapshot> Outcome);
}
