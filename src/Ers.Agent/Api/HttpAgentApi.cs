using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ers.Api;

namespace Ers.Agent.Api;

/// <summary>
/// <see cref="IAgentApi"/> over HTTPS with mutual TLS: the workstation certificate authenticates this machine, and
/// the server must chain to the configured CA (the system trust store is not consulted: Ers has its own PKI).
/// </summary>
public sealed class HttpAgentApi : IAgentApi, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _client;
    private readonly X509Certificate2Collection _serverTrust;

    public HttpAgentApi(Uri server, X509Certificate2 workstationCertificate, X509Certificate2Collection serverTrust, TimeSpan? timeout = null)
    {
        if (!workstationCertificate.HasPrivateKey)
        {
            throw new ArgumentException("The workstation certificate has no private key.", nameof(workstationCertificate));
        }
        _serverTrust = serverTrust;
        ServerOrigin = LoginStatement.Origin(server);
        WorkstationId = workstationCertificate.GetNameInfo(X509NameType.SimpleName, false) is { Length: > 0 } id
            ? id
            : throw new ArgumentException("The workstation certificate names no workstation (CN).", nameof(workstationCertificate));
        var handshakeChain = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        handshakeChain.CustomTrustStore.AddRange(serverTrust);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificateContext = SslStreamCertificateContext.Create(workstationCertificate, additionalCertificates: null, offline: true),
                RemoteCertificateValidationCallback = ValidateServer,
                // The handshake's own chain (the one handed to ValidateServer) is built offline too: a hostile
                // server's certificate names URLs that a chain builder allowed to download would fetch.
                CertificateChainPolicy = handshakeChain,
            },
        };
        _client = new HttpClient(handler) { BaseAddress = server, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    public string ServerOrigin { get; }

    public string WorkstationId { get; }

    public Task<CardInsertedResponse> CardInsertedAsync(CardInsertedRequest request, CancellationToken cancellationToken) =>
        PostAsync<CardInsertedRequest, CardInsertedResponse>(AgentApiRoutes.CardInserted, request, cancellationToken);

    public Task<SessionResponse> AuthenticateAsync(CardAuthenticateRequest request, CancellationToken cancellationToken) =>
        PostAsync<CardAuthenticateRequest, SessionResponse>(AgentApiRoutes.CardAuthenticate, request, cancellationToken);

    public Task<SessionResponse> SelectRoleAsync(SelectRoleRequest request, CancellationToken cancellationToken) =>
        PostAsync<SelectRoleRequest, SessionResponse>(AgentApiRoutes.SelectRole, request, cancellationToken);

    public Task<BrowserTicketResponse> BrowserTicketAsync(SessionRequest request, CancellationToken cancellationToken) =>
        PostAsync<SessionRequest, BrowserTicketResponse>(AgentApiRoutes.BrowserTicket, request, cancellationToken);

    public Task CardRemovedAsync(CardRemovedRequest request, CancellationToken cancellationToken) =>
        PostAsync(AgentApiRoutes.CardRemoved, request, cancellationToken);

    public Task CardBlockedAsync(CardRemovedRequest request, CancellationToken cancellationToken) =>
        PostAsync(AgentApiRoutes.CardBlocked, request, cancellationToken);

    public Task CardUnblockedAsync(CardUnblockedRequest request, CancellationToken cancellationToken) =>
        PostAsync(AgentApiRoutes.CardUnblocked, request, cancellationToken);

    public Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        PostAsync<HeartbeatRequest, HeartbeatResponse>(AgentApiRoutes.Heartbeat, request, cancellationToken);

    public Task LogoutAsync(SessionRequest request, CancellationToken cancellationToken) =>
        PostAsync(AgentApiRoutes.Logout, request, cancellationToken);

    private async Task<TResponse> PostAsync<TRequest, TResponse>(string route, TRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(route, request, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<TResponse>(Json, cancellationToken)
                ?? throw new AgentApiException((int)response.StatusCode, ApiErrorCodes.RequestMalformed, "Ers sent an empty answer.");
        }
        catch (JsonException)
        {
            throw new AgentApiException((int)response.StatusCode, null, "Ers sent an answer the agent does not understand.");
        }
    }

    private async Task PostAsync<TRequest>(string route, TRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(route, request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync<TRequest>(string route, TRequest request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            // Routes are absolute paths; the base address contributes scheme, host and port.
            response = await _client.PostAsJsonAsync(route, request, Json, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new AgentApiException(0, AgentApiException.Unreachable, $"Cannot reach Ers at {_client.BaseAddress}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AgentApiException(0, AgentApiException.Unreachable, $"Ers at {_client.BaseAddress} did not answer in time.");
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await ReadProblemAsync(response, cancellationToken);
        }
    }

    private static async Task<AgentApiException> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null;
        string? title = null;
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = document.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                title = document.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's HTML page, say): the status code is all there is.
        }
        return new AgentApiException((int)response.StatusCode, code, title ?? $"Ers refused the request ({(int)response.StatusCode}).");
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_serverTrust);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // A hostile server chooses its certificate: the workstation never fetches the issuers it names (AIA).
        custom.ChainPolicy.DisableCertificateDownloads = true;
        if (chain is not null)
        {
            // Intermediates the server sent along.
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        // Only a certificate issued for TLS servers may speak for Ers: not a workstation's or any other certificate
        // the same CA signed. A certificate without the EKU extension is refused too (it would be "any purpose").
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
        return HasServerAuthentication(leaf) && custom.Build(leaf);
    }

    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private static bool HasServerAuthentication(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(eku => eku.EnhancedKeyUsages.Cast<Oid>().Any(oid => oid.Value == ServerAuthentication));

    public void Dispose() => _client.Dispose();
}
