using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Ers.Tools.Pki;

/// <summary>
/// The answer of <c>GET /api/admin/v1/revocations</c> saved to a file: the card certificates Ers revoked, each naming
/// its issuing CA by the SHA-256 of the CA certificate (upper-case hex) and its serial (upper-case hex).
/// </summary>
public static class ErsRevocationList
{
    /// <summary>The serials <paramref name="path"/> lists for the CA <paramref name="issuer"/>, and how many entries name another CA.</summary>
    public static (IReadOnlyList<string> Serials, int OtherCas) SerialsOf(string path, X509Certificate2 issuer)
    {
        var hash = Convert.ToHexString(SHA256.HashData(issuer.RawData));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new PkiException($"Cannot read the revocations file '{path}': {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("revocations", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new PkiException($"'{path}' is not an answer of GET /api/admin/v1/revocations (no \"revocations\" list).");
            }

            var serials = new List<string>();
            var others = 0;
            foreach (var entry in list.EnumerateArray())
            {
                var issuerHash = entry.TryGetProperty("issuerHash", out var i) ? i.GetString() : null;
                var serial = entry.TryGetProperty("serialNumber", out var s) ? s.GetString() : null;
                if (serial is null || !string.Equals(issuerHash, hash, StringComparison.OrdinalIgnoreCase))
                {
                    others++;
                }
                else
                {
                    serials.Add(serial);
                }
            }

            return (serials, others);
        }
    }
}
