using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Ers.Web.Oidc;

/// <summary>The provider's RSA keys, read from PEM files named in configuration (never made up in memory).</summary>
public static class OidcKeys
{
    /// <summary>The problems with a list of key files: none named, missing, unreadable or not an RSA key of 2048 bits or more.</summary>
    public static IEnumerable<string> Check(IReadOnlyList<string> files, string setting)
    {
        if (files.Count == 0)
        {
            yield return $"{setting} must name at least one PEM file of an RSA private key.";
        }

        foreach (var file in files)
        {
            string? problem = null;
            try
            {
                using var rsa = Read(file);
                if (rsa.KeySize < 2048)
                {
                    problem = $"{setting}: {file} holds a {rsa.KeySize}-bit key; 2048 bits or more are required.";
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
            {
                problem = $"{setting}: {file} is not a readable PEM file of an RSA private key ({e.Message}).";
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }
    }

    /// <summary>Each file's key, its key id the RFC 7638 thumbprint (the same on every node, stable across restarts).</summary>
    public static IReadOnlyList<RsaSecurityKey> Load(IEnumerable<string> files) =>
        [.. files.Select(file =>
        {
            var key = new RsaSecurityKey(Read(file));
            key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
            return key;
        })];

    private static RSA Read(string file)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(file));
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }
}
