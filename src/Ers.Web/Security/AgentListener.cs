using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ers.ServiceDefaults;
using Ers.Web.Apis;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Ers.Web.Security;

/// <summary>
/// The agents' HTTPS listener (<c>Ers:AgentApi:HttpsUrl</c>) beside the browser endpoints of <c>Urls</c>.
/// Kestrel ignores <c>Urls</c> once a listener is configured in code, so those are re-declared here too; an
/// <c>https</c> one is served with the same server certificate (the local run's pages: their <c>__Host-</c> and
/// antiforgery cookies are Secure-only, so the pages need HTTPS), without asking browsers for a client certificate.
/// The ingress port (<c>Ers:Ingress:HttpsUrl</c>) is declared here too: it requires the ingress's client certificate.
/// </summary>
internal static class AgentListener
{
    /// <summary>
    /// Declares the listeners when the agents' own (<paramref name="api"/>) or the ingress port (<paramref name="ingress"/>)
    /// is configured, with the browser endpoints of <c>Urls</c> beside them.
    /// </summary>
    public static void Configure(WebApplicationBuilder builder, AgentApiOptions api, AgentApiOrigin origin, IngressOptions ingress, IngressTrust trust,
        X509Certificate2Collection workstationRoots)
    {
        var browserUrls = (builder.Configuration["urls"] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var agentCertificate = api.HttpsUrl is { Length: > 0 } || browserUrls.Any(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            ? LoadCertificate(api.ServerCertificatePath, api.ServerCertificateKeyPath, $"{AgentApiOptions.Section}:ServerCertificatePath")
            : null;
        var ingressCertificate = ingress.HttpsUrl is { Length: > 0 }
            ? LoadCertificate(ingress.ServerCertificatePath, ingress.ServerCertificateKeyPath, $"{IngressOptions.Section}:ServerCertificatePath")
            : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in browserUrls)
            {
                Listen(kestrel, url, listen =>
                {
                    if (url.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
                    {
                        listen.UseHttps(agentCertificate!);
                    }
                });
            }

            if (api.HttpsUrl is { Length: > 0 })
            {
                Listen(kestrel, api.HttpsUrl, listen =>
                {
                    // With port 0 the login statements name the port this listener is bound to.
                    origin.Listening(listen);
                    listen.UseHttps(agentCertificate!, https =>
                    {
                        https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        // Trust is decided per request (WorkstationIdentity): the issuer check, then the certificate
                        // handler against the workstation CAs, so a refusal is a problem answer with a code, counted.
                        https.AllowAnyClientCertificate();
                        // The TLS stack still builds a chain for any certificate presented, before that: offline. Its
                        // default fetches the issuer a certificate's AIA names and checks revocation online, both at
                        // URLs the client chose (revocation is Ers's own CRL store's, src/Ers.Web/Security/CrlStore.cs).
                        https.CheckCertificateRevocation = false;
                        https.OnAuthenticate = (_, tls) => tls.CertificateChainPolicy = OfflineChain.Policy(workstationRoots);
                    });
                });
            }

            if (ingressCertificate is not null)
            {
                Listen(kestrel, ingress.HttpsUrl!, listen =>
                {
                    listen.UseHttps(ingressCertificate, https =>
                    {
                        // No certificate or another one: the handshake fails, and no request is ever read.
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (certificate, _, _) => trust.IsIngressCertificate(certificate);
                        // The chain the TLS stack builds before that check, offline (as on the agents' port).
                        https.CheckCertificateRevocation = false;
                        https.OnAuthenticate = (_, tls) => tls.CertificateChainPolicy = trust.HandshakePolicy();
                    });
                    // After the handshake: only connections that presented the ingress's certificate are marked.
                    listen.Use(next => connection =>
                    {
                        connection.Features.Set(IngressTrust.IngressConnection.Instance);
                        return next(connection);
                    });
                });
            }
        });
    }

    private static X509Certificate2 LoadCertificate(string? path, string? keyPath, string setting)
    {
        try
        {
            return path?.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) == true
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password: null)
                : X509Certificate2.CreateFromPemFile(
                    path is { Length: > 0 } ? path : throw new ErsConfigurationException($"{setting} is required with an https listener."),
                    keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ErsConfigurationException($"{setting} '{path}' cannot be loaded ({e.Message}). 'ers pki dev' writes one.");
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        var uri = new Uri(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        if (uri.Host == "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, configure);
        }
        else if (IPAddress.TryParse(uri.Host, out var address))
        {
            kestrel.Listen(address, uri.Port, configure);
        }
        else
        {
            throw new ErsConfigurationException($"'{url}' is not a listen address (an IP address or localhost, and a port).");
        }
    }
}
