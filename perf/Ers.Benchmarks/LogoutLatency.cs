using System.Diagnostics;
using Ers.Cards;
using Ers.SingleSignOn;
using Ers.Testing.Hosts;
using Ers.Testing.Servers;
using Ers.Tools.Pki;

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
        var sessionId = Guid.NewGuid().ToString("N");
        var card = host.Grains.GetGrain<ICardGrain>(cardId);
        await card.InsertedAsync(workstationId);
        var started = await card.StartSessionAsync(workstationId, "555294209105", sessionId);
        if (!started.IsSuccess)
        {
            throw new InvalidOperationException(started.Refusal?.Message);
        }

        await host.Grains.GetGrain<Ers.Sessions.ISessionGrain>(sessionId)
            .ApplicationSignedInAsync(new SignedInApplication("bench-rp", rp.Uri, sessionId, "https://127.0.0.1/"));
        var watch = Stopwatch.StartNew();
        await card.RemovedAsync(workstationId);
        await rp.NextAsync(TimeSpan.FromSeconds(30));
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>The agents' host with the provider's signing key given to its silo.</summary>
    private sealed class LogoutHost : AgentHost
    {
        protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
        [
            new("Ers:Oidc:SigningKeyFiles:0", Path.Combine(Directory, DevPki.OidcSigningKeyFile)),
            new("Ers:Sessions:MaxSessionsPerUser", "1000"),
        ];
    }
}
