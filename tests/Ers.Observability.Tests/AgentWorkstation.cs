using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Ers.Testing.Hosts;
using Ers.Tools.Pki;

namespace Ers.Observability.Tests;

/// <summary>
/// A workstation talking to the agents' API as the desktop agent does: over HTTPS with its own client certificate
/// (issued by the host's PKI), trusting only the PKI's server CA. Cards are P-256 keys held in memory, issued by the
/// PKI's smartcard CA with the card id in the certificate, and sign challenges as a PIV card does.
/// </summary>
public sealed class AgentWorkstation : IDisposable
{
    private readonly ErsWebHost _host;

    public AgentWorkstation(ErsWebHost host, string? workstationId = null)
    {
        _host = host;
        WorkstationId = workstationId ?? $"WS-{Guid.NewGuid():N}"[..16];
        Certificate = host.Pki.IssueWorkstation(WorkstationId);
        var serverCa = host.Pki.ServerCa.Certificate;
        Http = AgentHttpClient.Create(host.AgentAddress, Certificate, serverCa);
    }

    public string WorkstationId { get; }

    public X509Certificate2 Certificate { get; }

    public HttpClient Http { get; }

    /// <summary>A card for <paramref name="userId"/> whose private key never leaves this process's memory.</summary>
    public Card IssueCard(string userId, string name)
    {
        var cardId = Guid.NewGuid();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = _host.Clock.GetUtcNow();
        var certificate = _host.Pki.SmartcardIssuing.Issue(
            CertificateAuthority.CardSubject(name, userId), key, now.AddMinutes(-5), now.AddDays(365),
            X509KeyUsageFlags.DigitalSignature, [CertificateAuthority.ClientAuthOid],
            CertificateAuthority.CardSubjectAlternativeName(cardId));
        return new Card(cardId.ToString("D"), certificate);
    }

    /// <summary>cards/inserted: the certificate is checked and a challenge comes back.</summary>
    public async Task<CardInsertedResponse> InsertAsync(Card card)
    {
        using var response = await Http.PostAsJsonAsync(AgentApiRoutes.CardInserted.TrimStart('/'),
            new CardInsertedRequest(card.CardId, card.Certificate.RawData, LoginStatement.Protocol));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CardInsertedResponse>())!;
    }

    /// <summary>cards/authenticate with <paramref name="signature"/> (if null, the card's over the login statement, as the agent builds it).</summary>
    public Task<HttpResponseMessage> AuthenticateAsync(Card card, CardInsertedResponse challenge, byte[]? signature = null) =>
        Http.PostAsJsonAsync(AgentApiRoutes.CardAuthenticate.TrimStart('/'),
            new CardAuthenticateRequest(challenge.ChallengeToken, signature ?? card.Sign(Statement(card, challenge))));

    /// <summary>The login statement of <paramref name="challenge"/> as this workstation's agent builds it.</summary>
    public byte[] Statement(Card card, CardInsertedResponse challenge) =>
        LoginStatement.Build(LoginStatement.Origin(Http.BaseAddress!), WorkstationId, card.CardId, challenge.ChallengeId, challenge.Nonce);

    public void Dispose()
    {
        Http.Dispose();
        Certificate.Dispose();
    }

    /// <summary>A card: its id (as the CHUID names it) and its certificate with the in-memory private key.</summary>
    public sealed record Card(string CardId, X509Certificate2 Certificate)
    {
        public byte[] Sign(byte[] challenge)
        {
            using var key = Certificate.GetECDsaPrivateKey()!;
            return key.SignData(challenge, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
    }
}
