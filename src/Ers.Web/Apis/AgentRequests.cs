using System.Text.Json;
using Ers.Api;

namespace Ers.Web.Apis;

/// <summary>
/// Reads an agent request body with a hard size limit and strict JSON, so that a malformed or oversized body is a
/// 400/413 problem with a stable code, never a 500, and never reaches a grain.
/// </summary>
internal static class AgentRequests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 8,
    };

    public static async Task<(T? Body, string? Code)> ReadAsync<T>(HttpContext context, int limit)
        where T : class
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return (null, ApiErrorCodes.RequestTooLarge);
        }

        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiErrorCodes.RequestMalformed);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, ApiErrorCodes.RequestTooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json);
            return body is null ? (null, ApiErrorCodes.RequestMalformed) : (body, null);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or FormatException)
        {
            return (null, ApiErrorCodes.RequestMalformed);
        }
    }

    /// <summary>Card ids are the CHUID GUID (or another short plain id): safe as a grain key and in audit records.</summary>
    public static bool IsValidCardId(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
