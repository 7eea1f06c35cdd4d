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
/// </summary>
internal static class AgentListener
{
    public static void Configure(WebApplicationBuilder builder, AgentApiOptions api, AgentApiOrigin origin)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = api.ServerCertificatePath?.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) == true
                ? X509CertificateLoader.LoadPkcs12FromFile(api.ServerCertificatePath, password: null)
                : X509Certificate2.CreateFromPemFile(
                    api.ServerCertificatePath ?? throw new ErsConfigurationException($"{AgentApiOptions.Section}:ServerCertificatePath is required with HttpsUrl."),
                    api.ServerCertificateKeyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ErsConfigurationException(
                $"{AgentApiOptions.Section}:ServerCertificatePath '{api.ServerCertificatePath}' cannot be loaded ({e.Message}). 'ers pki dev' writes one.");
        }

        var browserUrls = (builder.Configuration["urls"] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in browserUrls)
            {
                Listen(kestrel, url, listen =>
                {
                    if (url.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
                    {
                        listen.UseHttps(certificate);
                    }
                });
            }

            Listen(kestrel, api.HttpsUrl!, listen =>
            {
                // With port 0 the login statements name the port this listener is bound to.
                origin.Listening(listen);
                listen.UseHttps(certificate, https =>
                {
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    // Trust is decided by the certificate handler against the workstation CAs, which Kestrel does not know.
                    https.AllowAnyClientCertificate();
                });
            });
        });
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
