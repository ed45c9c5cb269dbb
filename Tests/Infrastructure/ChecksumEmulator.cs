using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// AWS's flexible checksums on top of the real local S3 server, which has none (Ceph RGW 16 accepts the
/// <c>x-amz-checksum-*</c> headers, signs them, and ignores them). This layer under the SDK client
/// (<see cref="LayeredHttp"/>) does what AWS documents for CRC-32 (S3 user guide, "Checking object integrity in Amazon
/// S3"; API reference: PutObject, UploadPart, CreateMultipartUpload, CompleteMultipartUpload, HeadObject):
/// <list type="bullet">
/// <item>a PUT of an object or a part with <c>x-amz-checksum-crc32</c> whose body does not hash to it is refused with
/// 400 BadDigest, and nothing is stored;</item>
/// <item>an upload created with <c>x-amz-checksum-algorithm: CRC32</c> and <c>x-amz-checksum-type: FULL_OBJECT</c> is
/// completed only when the completion's <c>x-amz-checksum-crc32</c> is the CRC-32 of the whole object (the parts named,
/// in order); else 400 BadDigest, and the upload stays, with no object;</item>
/// <item>a HEAD with <c>x-amz-checksum-mode: ENABLED</c> of an object stored with a CRC-32 answers
/// <c>x-amz-checksum-crc32</c> and <c>x-amz-checksum-type: FULL_OBJECT</c>.</item>
/// </list>
/// Every other request, and these once checked, go to the real server unchanged. The headers of every request are kept
/// for tests of the request shape. Part bodies are kept in memory: test chunks are MiBs.
/// </summary>
internal sealed partial class ChecksumEmulator : DelegatingHandler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _fullObjectUploads = new(StringComparer.Ordinal);
    private readonly Dictionary<(string UploadId, int Part), byte[]> _parts = [];
    private readonly List<string> _requests = [];

    /// <summary>The CRC-32 S3 keeps for each object stored with one; a test may change it to play a stored object gone
    /// bad.</summary>
    public Dictionary<string, string> StoredCrc32 { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, every HEAD of an object stored with a CRC-32 reports this one instead: a stored object gone
    /// bad.</summary>
    public string? ReportedCrc32 { get; set; }

    /// <summary>Each request as "METHOD path?query" and its x-amz-checksum-*, x-amz-sdk-checksum-* and Content-MD5
    /// headers.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    private static HttpResponseMessage BadDigest() =>
        new(HttpStatusCode.BadRequest)
        {
            Content = new StringContent(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>BadDigest</Code><Message>The CRC32 you specified did not match the calculated checksum.</Message></Error>",
                Encoding.UTF8,
                "application/xml"
            ),
        };

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.First()
        : request.Content?.Headers.TryGetValues(name, out values) == true ? values.First()
        : null;

    /// <summary>
    /// The payload of a body the SDK may have sent in aws-chunked encoding (<c>x-amz-content-sha256: STREAMING-…</c>):
    /// "hex-size;chunk-signature=…\r\n", the bytes, "\r\n", until a chunk of size 0 (S3 API reference, "Signature
    /// Calculations for the Authorization Header: Transferring Payload in Multiple Chunks").
    /// </summary>
    private static byte[] Payload(HttpRequestMessage request, byte[] body)
    {
        if (Header(request, "x-amz-content-sha256")?.StartsWith("STREAMING-", StringComparison.Ordinal) != true)
        {
            return body;
        }

        var payload = new MemoryStream();
        int at = 0;
        while (true)
        {
            int lineEnd = body.AsSpan(at).IndexOf("\r\n"u8) + at;
            string line = Encoding.ASCII.GetString(body, at, lineEnd - at);
            int size = Convert.ToInt32(line.Split(';')[0], 16);
            if (size == 0)
            {
                return payload.ToArray();
            }

            payload.Write(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        string path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        int slash = path.IndexOf('/', 1);
        string key = slash > 0 ? path[(slash + 1)..] : string.Empty;
        string query = request.RequestUri.Query;
        string? uploadId = QueryValue(query, "uploadId");
        string? crc32 = Header(request, "x-amz-checksum-crc32");
        Record(request, path + query);

        if (request.Method == HttpMethod.Put && crc32 is not null && request.Content is not null)
        {
            byte[] body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            byte[] payload = Payload(request, body);
            if (S3Crc32.Of(payload) != crc32)
            {
                return BadDigest();
            }

            request.Content = Copy(request.Content, body);
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                Stored(key, uploadId, QueryValue(query, "partNumber"), payload, crc32);
            }

            return response;
        }

        if (
            request.Method == HttpMethod.Post
            && query.Contains("uploads", StringComparison.Ordinal)
            && uploadId is null
            && Header(request, "x-amz-checksum-algorithm") == "CRC32"
            && Header(request, "x-amz-checksum-type") == "FULL_OBJECT"
        )
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            string xml = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode && UploadIdElement().Match(xml) is { Success: true } id)
            {
                lock (_gate)
                {
                    _fullObjectUploads[id.Groups[1].Value] = key;
                }
            }

            response.Content = new StringContent(xml, Encoding.UTF8, "application/xml");
            return response;
        }

        if (
            request.Method == HttpMethod.Post
            && uploadId is not null
            && IsFullObject(uploadId)
            && request.Content is not null
        )
        {
            byte[] body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            string whole = WholeCrc32(uploadId, Encoding.UTF8.GetString(body));
            if (crc32 is not null && crc32 != whole)
            {
                return BadDigest();
            }

            request.Content = Copy(request.Content, body);
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                lock (_gate)
                {
                    StoredCrc32[key] = whole;
                }
            }

            return response;
        }

        HttpResponseMessage answer = await base.SendAsync(request, cancellationToken);
        if (
            request.Method == HttpMethod.Head
            && Header(request, "x-amz-checksum-mode") == "ENABLED"
            && answer.IsSuccessStatusCode
        )
        {
            lock (_gate)
            {
                if (StoredCrc32.TryGetValue(key, out string? stored))
                {
                    answer.Headers.Add("x-amz-checksum-crc32", ReportedCrc32 ?? stored);
                    answer.Headers.Add("x-amz-checksum-type", "FULL_OBJECT");
                }
            }
        }
        else if (
            request.Method == HttpMethod.Delete
            || (request.Method == HttpMethod.Post && query.Contains("delete", StringComparison.Ordinal))
        )
        {
            lock (_gate)
            {
                StoredCrc32.Remove(key);
            }
        }

        return answer;
    }

    private static string? QueryValue(string query, string name)
    {
        foreach (string pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = pair.Split('=', 2);
            if (parts[0] == name)
            {
                return parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            }
        }

        return null;
    }

    private static ByteArrayContent Copy(HttpContent original, byte[] body)
    {
        var copy = new ByteArrayContent(body);
        foreach (KeyValuePair<string, IEnumerable<string>> header in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }

    private void Record(HttpRequestMessage request, string target)
    {
        IEnumerable<string> checksums = request
            .Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Where(h =>
                h.Key.StartsWith("x-amz-checksum", StringComparison.OrdinalIgnoreCase)
                || h.Key.StartsWith("x-amz-sdk-checksum", StringComparison.OrdinalIgnoreCase)
                || h.Key.Equals("Content-MD5", StringComparison.OrdinalIgnoreCase)
            )
            .Select(h => $"{h.Key.ToLowerInvariant()}: {string.Join(",", h.Value)}");
        lock (_gate)
        {
            _requests.Add($"{request.Method} {target}\n{string.Join("\n", checksums)}");
        }
    }

    private void Stored(string key, string? uploadId, string? partNumber, byte[] payload, string crc32)
    {
        lock (_gate)
        {
            if (uploadId is not null && partNumber is not null)
            {
                _parts[(uploadId, int.Parse(partNumber, System.Globalization.CultureInfo.InvariantCulture))] = payload;
            }
            else
            {
                StoredCrc32[key] = crc32;
            }
        }
    }

    private bool IsFullObject(string uploadId)
    {
        lock (_gate)
        {
            return _fullObjectUploads.ContainsKey(uploadId);
        }
    }

    /// <summary>The CRC-32 of the parts the completion names, in its order.</summary>
    private string WholeCrc32(string uploadId, string completion)
    {
        var crc = new System.IO.Hashing.Crc32();
        lock (_gate)
        {
            foreach (Match part in PartNumberElement().Matches(completion))
            {
                crc.Append(
                    _parts[
                        (uploadId, int.Parse(part.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                    ]
                );
            }
        }

        return S3Crc32.Encode(crc.GetCurrentHashAsUInt32());
    }

    [GeneratedRegex("<UploadId>([^<]+)</UploadId>")]
    private static partial Regex UploadIdElement();

    [GeneratedRegex("<PartNumber>([0-9]+)</PartNumber>")]
    private static partial Regex PartNumberElement();
}
