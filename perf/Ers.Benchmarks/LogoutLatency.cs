using System.Diagnostics;
using Ers.Cards;
using Ers.SingleSignOn;
using Ers.Testing.Hosts;
using Ers.Testing.Servers;
using Ers.Testing.Silos;

namespace Ers.Benchmarks;

/// <summary>
/// Card pull to back-channel logout received: a real Ers.Web with its co-hosted silo, sessions started through the
/// grains with one application signed in (its logout URI a real HTTP listener on loopback), then the card removed
/// (the card grain's call the agents' API makes) and the time measured until the listener has the logout token.
/// Sequential, after a warm-up.
/// </summary>
public static class LogoutLatency
{
    public static async Task RunAsync(int sessions)
    {
        var host = new LogoutHost();
        await host.InitializeAsync();
        await using var rp = new LogoutReceiver();
        rp.Start();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                await OneAsync(host, rp);
            }

            var samples = new double[sessions];
            for (var i = 0; i < sessions; i++)
            {
                samples[i] = await OneAsync(host, rp);
            }

            Array.Sort(samples);
            Console.WriteLine($"Card pull to back-channel logout received at an application, {sessions} sessions one after another:");
            Console.WriteLine($"  p50 {samples[samples.Length / 2]:F1} ms   max {samples[^1]:F1} ms   min {samples[0]:F1} ms   mean {samples.Average():F1} ms");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task<double> OneAsync(LogoutHost host, LogoutReceiver rp)
    {
        var cardId = "card-" + Guid.NewGuid().ToString("N");
        var workstationId = "ws-" + Guid.NewGuid().ToString("N");
        var card = host.Grains.GetGrain<ICardGrain>(cardId);
        var started = await card.LogInAsync(workstationId, "555294209105");
        if (!started.IsSuccess)
        {
            throw new InvalidOperationException(started.Refusal?.Message);
        }

        var sessionId = started.Value!.SessionId;

        // Applications sign in to an active session only: the role first (Dr Amelia Hart has one, samples/directory.json).
        var session = host.Grains.GetGrain<Ers.Sessions.ISessionGrain>(sessionId);
        if ((await session.GetAsync())?.State != Ers.Sessions.SessionState.Active)
        {
            var chosen = await session.SelectRoleAsync("555021935107");
            if (!chosen.IsSuccess)
            {
                throw new InvalidOperationException(chosen.Refusal?.Message);
            }
        }

        if (!await session.ApplicationSignedInAsync(new SignedInApplication("bench-rp", rp.Uri, sessionId, "https://127.0.0.1/")))
        {
            throw new InvalidOperationException("The session did not record the application's sign-in.");
        }

        var watch = Stopwatch.StartNew();
        await card.RemovedAsync(workstationId);
        await rp.NextAsync(TimeSpan.FromSeconds(30));
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// The agents' host with the provider on: its silo signs logout tokens only then (a node with the provider off is
    /// given no signing key, src/Ers.Grains/SingleSignOn/BackChannelLogoutServices.cs).
    /// </summary>
    private sealed class LogoutHost : AgentHost
    {
        protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
            new ErsSettings()
                .Oidc(Directory, Directory)
                .Set("Ers:Sessions:MaxSessionsPerUser", "1000");
    }
}
