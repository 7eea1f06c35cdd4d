using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ers.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace Ers.Cluster;

/// <summary>
/// Mutual TLS on every Orleans connection (silo to silo, client to gateway), from <c>Ers:Cluster:Tls</c>: each member
/// presents <see cref="Certificate"/>, and a remote member is accepted only with a certificate that chains to
/// <see cref="Authority"/> alone (not the machine's roots) and carries both serverAuth and clientAuth, since every
/// member is both a TLS server and a client. So that CA must issue cluster members and nothing else: holding one of its
/// certificates is what makes a process a member. Host names are not checked: silos connect to each other by the IP
/// address they advertise, which a shared member certificate cannot name.
/// </summary>
public sealed class ClusterTls
{
    public const string Section = "Ers:Cluster:Tls";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly TimeProvider _time;

    public ClusterTls(X509Certificate2 certificate, X509Certificate2 authority, TimeProvider? time = null)
    {
        Certificate = certificate;
        Authority = authority;
        _time = time ?? TimeProvider.System;
        if (!IsTrusted(certificate))
        {
            throw new ErsConfigurationException(
                $"The certificate of '{Section}:CertificatePath' ({certificate.Subject}) does not chain to '{Section}:CaPath' ({authority.Subject}) with serverAuth and clientAuth, or is not valid now.");
        }
    }

    /// <summary>This member's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA whose certificates are the cluster's members.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The configured TLS, or null when none of <c>CertificatePath</c>, <c>KeyPath</c>, <c>CaPath</c> is set.</summary>
    public static ClusterTls? From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        string?[] paths = [section["CertificatePath"], section["KeyPath"], section["CaPath"]];
        if (paths.All(string.IsNullOrWhiteSpace))
        {
            return null;
        }

        string[] names = ["CertificatePath", "KeyPath", "CaPath"];
        for (var i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(paths[i]))
            {
                throw new ErsConfigurationException($"'{Section}:{names[i]}' is missing: cluster TLS needs CertificatePath, KeyPath and CaPath together.");
            }
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (!File.Exists(paths[i]))
            {
                throw new ErsConfigurationException($"'{Section}:{names[i]}' names '{paths[i]}', which does not exist.");
            }
        }

        try
        {
            return new ClusterTls(
                X509Certificate2.CreateFromPemFile(paths[0]!, paths[1]!),
                X509CertificateLoader.LoadCertificateFromFile(paths[2]!));
        }
        catch (CryptographicException e)
        {
            throw new ErsConfigurationException($"'{Section}': the certificate, key or CA could not be read ({e.Message}).");
        }
    }

    /// <summary>Whether a remote member's certificate is one of this cluster's.</summary>
    public bool IsTrusted(X509Certificate2 remote)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        // Member certificates are short-lived and replaced with the Secret; there is no CRL for them.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Whoever reaches a silo port chooses the certificate: never fetch the issuers it names (AIA).
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthOid));
        return chain.Build(remote) && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(Authority.RawDataMemory.Span);
    }

    /// <summary>The same settings for both directions: a certificate is required from the other end, always.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, _) => IsTrusted(certificate);
    }
}
