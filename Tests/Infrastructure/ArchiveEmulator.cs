using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// Glacier/Deep Archive behaviour on top of the real local S3 server. RGW 16 keeps an object's storage class (HEAD and
/// LIST report DEEP_ARCHIVE), but answers RestoreObject with 501, serves archived objects at once and never moves an
/// object to another class. This layer under the SDK client (<see cref="LayeredHttp"/>) does what AWS documents, for
/// objects whose class is GLACIER or DEEP_ARCHIVE (as the server reports it, or as <see cref="Transition"/> set it):
/// <list type="bullet">
/// <item>a GET of one that is not thawed is 403 InvalidObjectState (API reference, GetObject);</item>
/// <item>RestoreObject is 202, then 409 RestoreAlreadyInProgress while it runs, 200 once done (API reference,
/// RestoreObject); of an object in any other class it is 403 ObjectAlreadyInActiveTierError (API reference,
/// RestoreObject, "Special errors");</item>
/// <item>HEAD shows x-amz-restore: ongoing-request="true", then ongoing-request="false", expiry-date="…" once the
/// test's clock has passed the thaw time; an expired thaw is gone (S3 user guide, "Restoring an archived
/// object");</item>
/// <item>a bucket lifecycle rule moves objects to another class (<see cref="Transition"/>), by default none smaller
/// than 128 KiB (S3 user guide, "Transitioning objects using Amazon S3 Lifecycle", minimum object size, since September
/// 2024); HEAD then reports that class in x-amz-storage-class.</item>
/// </list>
/// Every other request goes to the real server unchanged. The days each RestoreObject asked for are kept.
/// </summary>
internal sealed class ArchiveEmulator(TimeProvider clock, TimeSpan thawTime) : DelegatingHandler
{
    /// <summary>S3 lifecycle's default floor: smaller objects are not transitioned.</summary>
    public const long LifecycleMinimumSize = 128 * 1024;

    private static readonly HashSet<string> Archive = new(StringComparer.Ordinal) { "GLACIER", "DEEP_ARCHIVE" };

    private readonly Dictionary<string, DateTimeOffset> _requested = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _transitioned = new(StringComparer.Ordinal);

    // Asks the real server what class it holds an object in: a plain client, outside this handler.
    private readonly AmazonS3Client _server = LocalS3.CreateClient(Environment.GetEnvironmentVariable("S3_ENDPOINT")!);

    private DateTimeOffset Now => clock.GetUtcNow();

    public int RestoreRequests { get; private set; }

    /// <summary>The keys RestoreObject was accepted for, in order, with the days each asked for.</summary>
    public List<(string Key, int Days)> Thaws { get; } = [];

    /// <summary>Keys whose thaw takes this long instead, for partial readiness.</summary>
    public Dictionary<string, TimeSpan> ThawTimeOf { get; } = new(StringComparer.Ordinal);

    /// <summary>Every thawed copy expires: the objects are archived again.</summary>
    public void ExpireAll()
    {
        lock (_requested)
        {
            _requested.Clear();
        }
    }

    /// <summary>
    /// What a bucket lifecycle rule with a Transition to <paramref name="storageClass"/> does to the objects under the
    /// prefix: those of at least <paramref name="minimumSize"/> bytes are in that class from now on.
    /// </summary>
    public void Transition(string bucket, string prefix, string storageClass, long minimumSize = LifecycleMinimumSize)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        foreach (S3Object found in _server.ListObjectsV2Async(request).GetAwaiter().GetResult().S3Objects ?? [])
        {
            if (found.Size >= minimumSize)
            {
                lock (_transitioned)
                {
                    _transitioned[found.Key] = storageClass;
                }
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _server.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<string> ClassOfAsync(string bucket, string key)
    {
        lock (_transitioned)
        {
            if (_transitioned.TryGetValue(key, out string? moved))
            {
                return moved;
            }
        }

        try
        {
            GetObjectMetadataResponse head = await _server.GetObjectMetadataAsync(bucket, key);
            return head.StorageClass?.Value ?? "STANDARD";
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return "STANDARD";
        }
    }

    private bool? Ready(string key)
    {
        lock (_requested)
        {
            if (!_requested.TryGetValue(key, out DateTimeOffset at))
            {
                return null;
            }

            return clock.GetUtcNow() >= at + (ThawTimeOf.TryGetValue(key, out TimeSpan own) ? own : thawTime);
        }
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string code, string message) =>
        new(status)
        {
            Content = new StringContent(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>",
                Encoding.UTF8,
                "application/xml"
            ),
        };

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        string path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        int slash = path.IndexOf('/', 1);
        string bucket = slash > 0 ? path[1..slash] : path.Trim('/');
        string key = slash > 0 ? path[(slash + 1)..] : string.Empty;
        bool restore =
            request.Method == HttpMethod.Post && request.RequestUri.Query.Contains("restore", StringComparison.Ordinal);
        if (
            key.Length == 0
            || !(restore || request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
            || request.RequestUri.Query.Contains("uploadId", StringComparison.Ordinal)
        )
        {
            return await base.SendAsync(request, cancellationToken);
        }

        string storageClass = await ClassOfAsync(bucket, key);
        if (!Archive.Contains(storageClass))
        {
            return restore
                ? Error(
                    HttpStatusCode.Forbidden,
                    "ObjectAlreadyInActiveTierError",
                    "Restore is not allowed for the object's current storage class"
                )
                : await WithClassAsync(request, storageClass, cancellationToken);
        }

        bool? ready = Ready(key);
        if (restore)
        {
            if (ready == false)
            {
                return Error(
                    HttpStatusCode.Conflict,
                    "RestoreAlreadyInProgress",
                    "Object restore is already in progress"
                );
            }

            string body = request.Content is null
                ? string.Empty
                : await request.Content.ReadAsStringAsync(cancellationToken);
            int days = int.Parse(
                System.Text.RegularExpressions.Regex.Match(body, "<Days>([0-9]+)</Days>").Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture
            );
            lock (_requested)
            {
                Thaws.Add((key, days));
                if (ready == true)
                {
                    return new HttpResponseMessage(HttpStatusCode.OK);
                }

                _requested[key] = Now;
                RestoreRequests++;
            }

            return new HttpResponseMessage(HttpStatusCode.Accepted);
        }

        if (request.Method == HttpMethod.Get && ready != true)
        {
            return Error(
                HttpStatusCode.Forbidden,
                "InvalidObjectState",
                "The operation is not valid for the object's storage class"
            );
        }

        HttpResponseMessage response = await WithClassAsync(request, storageClass, cancellationToken);
        if (request.Method == HttpMethod.Head && ready is not null)
        {
            response.Headers.TryAddWithoutValidation(
                "x-amz-restore",
                ready == true
                    ? $"ongoing-request=\"false\", expiry-date=\"{Now.AddDays(7):R}\""
                    : "ongoing-request=\"true\""
            );
        }

        return response;
    }

    /// <summary>The server's answer, with the class a transition gave the object (AWS sends none for
    /// STANDARD).</summary>
    private async Task<HttpResponseMessage> WithClassAsync(
        HttpRequestMessage request,
        string storageClass,
        CancellationToken cancellationToken
    )
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        response.Headers.Remove("x-amz-storage-class");
        if (storageClass != "STANDARD")
        {
            response.Headers.TryAddWithoutValidation("x-amz-storage-class", storageClass);
        }

        return response;
    }
}
