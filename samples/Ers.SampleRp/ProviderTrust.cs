using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ers.SampleRp;

/// <summary>The back channel to the provider (discovery, keys, token endpoint), trusting one extra CA when configured.</summary>
internal static class ProviderTrust
{
    public static HttpMessageHandler Handler(string? caFile)
    {
        var handler = new SocketsHttpHandler();
        if (string.IsNullOrEmpty(caFile))
        {
            return handler;
        }

        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            // Only the chain may fail the machine's check (the CA is not in its store); the name must still match.
            if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var certificate = new X509Certificate2(presented);
            return chain.Build(certificate);
        };
        return handler;
    }
}
