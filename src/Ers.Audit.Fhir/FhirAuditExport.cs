using System.Text.Json;
using Hl7.Fhir.Serialization;

namespace Ers.Audit.Fhir;

/// <summary>
/// Audit records as FHIR bulk-data NDJSON: one compact <c>AuditEvent</c> resource (<see cref="AuditEventMapping"/>) per
/// line, each line ending in <c>\n</c>.
/// </summary>
public static class FhirAuditExport
{
    /// <summary>The media type of the export (FHIR bulk data).</summary>
    public const string MediaType = "application/fhir+ndjson";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();

    /// <param name="record">The record.</param>
    /// <param name="site">The deployment that recorded it.</param>
    public static string ToJson(AuditRecord record, string site = AuditEventMapping.DefaultSite) =>
        JsonSerializer.Serialize(AuditEventMapping.ToFhir(record, site), Json);

    /// <summary>Writes one line per record; returns how many it wrote.</summary>
    /// <param name="records">The records, in the order to write them.</param>
    /// <param name="output">Where the lines go.</param>
    /// <param name="site">The deployment that recorded them.</param>
    /// <param name="cancellationToken">Stops between lines.</param>
    public static async Task<int> WriteNdjsonAsync(
        IEnumerable<AuditRecord> records, TextWriter output, string site = AuditEventMapping.DefaultSite, CancellationToken cancellationToken = default)
    {
        var count = 0;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await output.WriteAsync(ToJson(record, site));
            await output.WriteAsync('\n');
            count++;
        }

        return count;
    }
}
