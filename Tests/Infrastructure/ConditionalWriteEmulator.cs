using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// AWS's conditional writes where the local server falls short, on top of it:
/// <list type="bullet">
/// <item>A conditional write that races another operation on the key: "If a conflicting operation occurs during the
/// upload, S3 returns a 409 ConditionalRequestConflict response. On a 409 failure you should retry the upload" (S3 API
/// reference, PutObject, If-Match and If-None-Match; S3 user guide, "How to prevent object overwrites with conditional
/// writes"). The next <see cref="Conflicts"/> conditional PUTs are answered so, without reaching the server.</item>
/// <item>If-Match in a versioned bucket (so in one with Object Lock), which AWS honours like any other (same pages)
/// and Ceph RGW 16 refuses with 412 whatever the ETag (tried). With <see cref="InVersionedBuckets"/>, the
/// layer compares the ETag itself and makes the write through a plain client: 412 when it differs, the write and
/// its answer when it matches.</item>
/// </list>
/// Everything else goes to the real server unchanged.
/// </summary>
internal sealed class ConditionalWriteEmulator : DelegatingHandler
{
    // Reads the object's ETag and makes the write an If-Match allowed: a plain client, outside this handler, with the
    // keys of the client the handler serves, so that the server checks the same user's permissions.
    private readonly AmazonS3Client _server;

    /// <param name="credentials">The keys of the client this emulator serves; null for the test user's.</param>
    public ConditionalWriteEmulator(AWSCredentials? credentials = null) =>
        _server = LocalS3.CreateClient(Environment.GetEnvironmentVariable("S3_ENDPOINT")!, credentials: credentials);

    private int _conflicts;

    /// <summary>How many conditional PUTs from now on get 409 ConditionalRequestConflict.</summary>
    public int Conflicts
    {
        get => Volatile.Read(ref _conflicts);
        set => Volatile.Write(ref _conflicts, value);
    }

    /// <summary>Conditional PUTs answered 409 so far.</summary>
    public int Answered { get; private set; }

    /// <summary>Whether If-Match and If-None-Match are answered here as AWS does, rather than by the server (for
    /// versioned buckets).</summary>
    public bool InVersionedBuckets { get; init; }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _server.Dispose();
        }

        base.Dispose(disposing);
    }

    private static HttpResponseMessage PreconditionFailed() =>
        new(HttpStatusCode.PreconditionFailed)
        {
            Content = new StringContent(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>",
                Encoding.UTF8,
                "application/xml"
            ),
        };

    private static (string Bucket, string Key) Address(HttpRequestMessage request)
    {
        string path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        int slash = path.IndexOf('/', 1);
        return (path[1..slash], path[(slash + 1)..]);
    }

    /// <summary>The ETag of the key's current version, or null when there is no object.</summary>
    private async Task<string?> EtagAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await _server.GetObjectMetadataAsync(bucket, key, cancellationToken)).ETag;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>An If-None-Match: * PUT as AWS answers it in a versioned bucket: 412 while the key holds an
    /// object.</summary>
    private async Task<HttpResponseMessage?> IfNoneMatchAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        (string bucket, string key) = Address(request);
        return await EtagAsync(bucket, key, cancellationToken) is null ? null : PreconditionFailed();
    }

    /// <summary>An If-Match PUT as AWS answers it: 412 unless the object's ETag is the one named; else the write
    /// itself.</summary>
    private async Task<HttpResponseMessage> IfMatchAsync(
        HttpRequestMessage request,
        string ifMatch,
        CancellationToken cancellationToken
    )
    {
        (string bucket, string key) = Address(request);
        string? etag = await EtagAsync(bucket, key, cancellationToken);
        if (etag is null || etag.Trim('"') != ifMatch.Trim('"'))
        {
            return PreconditionFailed();
        }

        string? Header(string name) =>
            request.Headers.TryGetValues(name, out IEnumerable<string>? values)
            || request.Content!.Headers.TryGetValues(name, out values)
                ? values.First()
                : null;
        var put = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(await request.Content!.ReadAsByteArrayAsync(cancellationToken)),
            ContentType = Header("Content-Type"),
            MD5Digest = Header("Content-MD5"),
            StorageClass = Header("x-amz-storage-class") is { } storageClass
                ? S3StorageClass.FindValue(storageClass)
                : null,
            ServerSideEncryptionMethod = Header("x-amz-server-side-encryption") is { } sse
                ? ServerSideEncryptionMethod.FindValue(sse)
                : null,
            ObjectLockMode = Header("x-amz-object-lock-mode") is { } mode ? ObjectLockMode.FindValue(mode) : null,
            ObjectLockRetainUntilDate = Header("x-amz-object-lock-retain-until-date") is { } until
                ? DateTime.Parse(
                    until,
                    System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal
                )
                : null,
        };
        // The object's user metadata (our signature among it) goes with the write, as S3 keeps it with the version.
        foreach (
            (string name, IEnumerable<string> values) in request.Headers.Where(h =>
                h.Key.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase)
            )
        )
        {
            put.Metadata.Add(name, values.First());
        }

        PutObjectResponse written = await _server.PutObjectAsync(put, cancellationToken);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("ETag", written.ETag);
        if (written.VersionId is { } version)
        {
            response.Headers.TryAddWithoutValidation("x-amz-version-id", version);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        bool conditional =
            request.Method == HttpMethod.Put
            && (request.Headers.Contains("If-Match") || request.Headers.Contains("If-None-Match"));
        if (conditional && Interlocked.Decrement(ref _conflicts) >= 0)
        {
            Answered++;
            return new HttpResponseMessage(HttpStatusCode.Conflict)
            {
                Content = new StringContent(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ConditionalRequestConflict</Code><Message>A conflicting conditional operation is currently in progress against this resource. Please try again.</Message></Error>",
                    Encoding.UTF8,
                    "application/xml"
                ),
            };
        }

        if (conditional)
        {
            Interlocked.Exchange(ref _conflicts, 0);
        }

        if (
            InVersionedBuckets
            && conditional
            && request.Headers.TryGetValues("If-Match", out IEnumerable<string>? ifMatch)
        )
        {
            return await IfMatchAsync(request, ifMatch.First(), cancellationToken);
        }

        if (InVersionedBuckets && conditional && await IfNoneMatchAsync(request, cancellationToken) is { } refused)
        {
            return refused;
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
