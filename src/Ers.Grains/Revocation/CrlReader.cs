using System.Net;
using System.Net.Http.Headers;

namespace Ers.Grains.Revocation;

/// <summary>
/// Reads a CRL source with bounds: no more than <see cref="CrlOptions.CrlMaxBytes"/> bytes (a declared
/// Content-Length or file size over it is refused before reading), all within <see cref="CrlOptions.CrlDownloadTimeout"/>,
/// and conditionally, so an unchanged source costs a stat or a 304.
/// </summary>
public sealed class CrlReader(HttpClient http)
{
    public async Task<CrlRead> ReadAsync(string source, CrlValidators? previous, CrlOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CrlDownloadTimeout);
        try
        {
            return IsHttp(source)
                ? await ReadHttpAsync(new Uri(source), previous, options.CrlMaxBytes, timeout.Token)
                : await ReadFileAsync(source, previous, options.CrlMaxBytes, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CrlRead.Refused(CrlReadErrors.Timeout, $"not read within {options.CrlDownloadTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException or UriFormatException)
        {
            return CrlRead.Refused(CrlReadErrors.Unreadable, e.Message);
        }
    }

    private static bool IsHttp(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static async Task<CrlRead> ReadFileAsync(string path, CrlValidators? previous, long maxBytes, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return CrlRead.Refused(CrlReadErrors.Unreadable, "no such file");
        }

        if (previous is { FileLength: { } length, FileWrittenAt: { } written } && length == file.Length && written == file.LastWriteTimeUtc)
        {
            return new CrlRead(null, previous);
        }

        if (file.Length > maxBytes)
        {
            return CrlRead.Refused(CrlReadErrors.TooLarge, $"{file.Length} bytes, more than the {maxBytes} allowed");
        }

        var validators = new CrlValidators(null, null, file.LastWriteTimeUtc, file.Length);
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        // The file may have been replaced between the stat and the read: the bound holds on what was read.
        return bytes.Length > maxBytes
            ? CrlRead.Refused(CrlReadErrors.TooLarge, $"more than the {maxBytes} bytes allowed")
            : new CrlRead(bytes, validators);
    }

    private async Task<CrlRead> ReadHttpAsync(Uri uri, CrlValidators? previous, long maxBytes, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (previous?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        if (previous?.LastModified is { } modified)
        {
            request.Headers.IfModifiedSince = modified;
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified && previous is not null)
        {
            return new CrlRead(null, previous);
        }

        if (!response.IsSuccessStatusCode)
        {
            return CrlRead.Refused(CrlReadErrors.Unreadable, $"HTTP {(int)response.StatusCode}");
        }

        if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
        {
            return CrlRead.Refused(CrlReadErrors.TooLarge, $"{declared} bytes declared, more than the {maxBytes} allowed");
        }

        var validators = new CrlValidators(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                // A chunked or lying response: stop reading at the bound, never buffer more.
                return CrlRead.Refused(CrlReadErrors.TooLarge, $"more than the {maxBytes} bytes allowed");
            }

            buffer.Write(chunk, 0, read);
        }

        return new CrlRead(buffer.ToArray(), validators);
    }
}
