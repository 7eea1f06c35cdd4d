using System.Security.Cryptography;
using Ers.Tools.Pki;

namespace Ers.Testing.Pki;

/// <summary>
/// RSA key generation costs seconds on a busy 2-core machine, so tests draw card keys from a small pool made once
/// (distinct keys, round-robin) and copy one ready-made set of CAs per PKI instead of generating new ones each time.
/// </summary>
public static class TestKeys
{
    private const int PoolSize = 6;
    private static readonly Lazy<RSAParameters[]> RsaPool = new(() =>
        Enumerable.Range(0, PoolSize).AsParallel().Select(_ =>
        {
            using var rsa = RSA.Create(2048);
            return rsa.ExportParameters(includePrivateParameters: true);
        }).ToArray());

    private static readonly Lazy<string> CaTemplate = new(NewTemplate);
    private static readonly Lazy<string> ForeignCaTemplate = new(NewTemplate);

    private static int _next;

    /// <summary>A fresh RSA-2048 object holding one of the pooled keys (the caller disposes it).</summary>
    public static RSA Rsa()
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(RsaPool.Value[Interlocked.Increment(ref _next) % PoolSize]);
        return rsa;
    }

    /// <summary>
    /// Puts a copy of the shared CAs (certificates and keys only) into <paramref name="directory"/>; the foreign set
    /// is a second, unrelated set of CAs that Ers is not configured to trust.
    /// </summary>
    public static void CopyCas(string directory, bool foreign = false)
    {
        var template = foreign ? ForeignCaTemplate.Value : CaTemplate.Value;
        System.IO.Directory.CreateDirectory(directory);
        foreach (var name in new[] { DevPki.SmartcardRootName, DevPki.SmartcardIssuingName, DevPki.WorkstationCaName })
        {
            File.Copy(DevPki.CertificatePath(template, name), DevPki.CertificatePath(directory, name));
            File.Copy(DevPki.KeyPath(template, name), DevPki.KeyPath(directory, name));
        }
    }

    private static string NewTemplate()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ers-test-ca-template-" + Guid.NewGuid().ToString("N"));
        DevPki.Init(directory, TimeProvider.System);
        return directory;
    }
}
