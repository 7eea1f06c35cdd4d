using System.Diagnostics;
using System.Net.Http.Json;
using Ers.Api;
using Ers.Testing.Hosts;
using Ers.Testing.Pki;
using Ers.Tools.Pki;

namespace Ers.Benchmarks;

/// <summary>
/// Latency of complete card logins (cards/inserted, sign, cards/authenticate: certificate check, challenge, signature,
/// card and session grains, audit) through the real API over TLS with a workstation client certificate, one agent
/// connection kept alive, in process with the co-hosted silo. Sequential, after a warm-up.
/// </summary>
public static class LoginLatency
{
    public static async Task RunAsync(int logins)
    {
        var host = new AgentHost();
        await host.InitializeAsync();
        try
        {
            using var client = host.AgentClient(host.Workstation1);
            var cards = new[] { "555294209105", "555294209107", "555294209110", "555294209111" }
                .SelectMany(user => new[] { host.IssueCard(user, "Benchmark", KeyAlgorithm.Rsa2048), host.IssueCard(user, "Benchmark", KeyAlgorithm.EcdsaP256) })
                .ToArray();

            for (var i = 0; i < 50; i++)
            {
                host.Time.Advance(TimeSpan.FromSeconds(1));
                await LoginAsync(host, client, cards[i % cards.Length]);
            }

            var samples = new double[logins];
            var inserts = new double[logins];
            for (var i = 0; i < logins; i++)
            {
                // The rules' clock moves a second per login so consumed challenges expire as they would in real
                // life (a card grain refuses more than 64 unexpired ones).
                host.Time.Advance(TimeSpan.FromSeconds(1));
                var card = cards[i % cards.Length];
                var started = Stopwatch.GetTimestamp();
                var challenge = await host.InsertAsync(client, card);
                inserts[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var response = await client.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate,
                    new CardAuthenticateRequest(challenge.ChallengeToken, host.Sign(client, card, challenge)));
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"login failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }

            Array.Sort(samples);
            Array.Sort(inserts);
            Console.WriteLine($"Full card login over TLS (insert + challenge + sign + authenticate + session), {logins} sequential logins, RSA-2048 and P-256 cards in turn:");
            Console.WriteLine($"  mean {samples.Average():F2} ms   p50 {Percentile(samples, 0.50):F2} ms   p99 {Percentile(samples, 0.99):F2} ms   max {samples[^1]:F2} ms");
            Console.WriteLine($"  of which cards/inserted: mean {inserts.Average():F2} ms   p50 {Percentile(inserts, 0.50):F2} ms   p99 {Percentile(inserts, 0.99):F2} ms");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task LoginAsync(AgentHost host, HttpClient client, TestCard card)
    {
        var (response, _) = await host.LoginAsync(client, card);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"login failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
