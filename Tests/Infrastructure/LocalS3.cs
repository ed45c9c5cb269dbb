using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A bucket of its own on the local S3 server (scripts/local-s3.sh, started by scripts/test.sh), emptied and deleted
/// on dispose. Without the server, tests skip outside CI and fail in CI.
/// </summary>
internal sealed class LocalS3 : IDisposable
{
    private LocalS3(string endpoint, string bucket)
    {
        Endpoint = endpoint;
        Bucket = bucket;
        Client = CreateClient(endpoint);
    }

    public string Endpoint { get; }

    public string Bucket { get; }

    public AmazonS3Client Client { get; }

    /// <summary>The configuration lines that point the uploader at this bucket.</summary>
    public string ConfigSection(string endpoint) =>
        $"""
            [s3]
            bucket = {Bucket}
            endpoint = {endpoint}
            prefix = backup/
            part_size = 5MiB
            concurrency = 4
            request_checksum_calculation = when_required
            """;

    /// <summary>The server's test user, which owns every test bucket (scripts/local-s3.sh, S3_UID).</summary>
    public const string Owner = "btrfs-to-s3-test";

    /// <param name="objectLock">Create the bucket with Object Lock (and so versioning) enabled.</param>
    public static LocalS3 Create(bool objectLock = false)
    {
        string? endpoint = Environment.GetEnvironmentVariable("S3_ENDPOINT");
        if (
            string.IsNullOrEmpty(endpoint)
            || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"))
        )
        {
            const string missing =
                "no local S3 server: run the tests with scripts/test.sh, which starts scripts/local-s3.sh";
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail($"CI=true and {missing}");
            }

            Assert.Inconclusive(missing);
        }

        var s3 = new LocalS3(endpoint, "btrfs-to-s3-test-" + Guid.NewGuid().ToString("N")[..12]);
        s3.Client.PutBucketAsync(
                new PutBucketRequest { BucketName = s3.Bucket, ObjectLockEnabledForBucket = objectLock }
            )
            .GetAwaiter()
            .GetResult();
        return s3;
    }

    /// <param name="layers">AWS behaviours the client's requests go through (<see cref="LayeredHttp"/>), outermost
    /// first; none for straight.</param>
    public static AmazonS3Client CreateClient(string endpoint, params DelegatingHandler[] layers) =>
        CreateClient(endpoint, credentials: null, layers);

    /// <param name="credentials">Another user's keys (<see cref="PolicyUser"/>); null for the test user's, from the
    /// environment.</param>
    /// <param name="layers">AWS behaviours the client's requests go through (<see cref="LayeredHttp"/>), outermost
    /// first; none for straight.</param>
    public static AmazonS3Client CreateClient(
        string endpoint,
        AWSCredentials? credentials,
        params DelegatingHandler[] layers
    )
    {
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (layers.Length > 0)
        {
            config.HttpClientFactory = new LayeredHttp(layers);
        }

        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    /// <summary>The uploader's store over a client of the local server, waiting out an outage for
    /// <paramref name="giveUpAfter"/>.</summary>
    public static S3ObjectStore Store(
        IAmazonS3 client,
        string bucket,
        TimeSpan giveUpAfter,
        BandwidthLimiter? limiter = null
    ) =>
        new(
            client,
            bucket,
            new OutageGuard(giveUpAfter, bucket, new OutageClock(TimeProvider.System), NullLogger.Instance),
            limiter ?? new BandwidthLimiter(BandwidthSchedule.Off, TimeProvider.System, NullLogger.Instance)
        );

    public List<S3Object> List(string prefix = "")
    {
        var all = new List<S3Object>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        while (true)
        {
            ListObjectsV2Response page = Client.ListObjectsV2Async(request).GetAwaiter().GetResult();
            all.AddRange(page.S3Objects ?? []);
            if (page.IsTruncated != true)
            {
                return all;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public List<S3ObjectVersion> Versions()
    {
        var all = new List<S3ObjectVersion>();
        var request = new ListVersionsRequest { BucketName = Bucket };
        while (true)
        {
            ListVersionsResponse page = Client.ListVersionsAsync(request).GetAwaiter().GetResult();
            all.AddRange(page.Versions ?? []);
            if (page.IsTruncated != true)
            {
                return all;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
    }

    public List<MultipartUpload> MultipartUploads() =>
        Client.ListMultipartUploadsAsync(Bucket).GetAwaiter().GetResult().MultipartUploads ?? [];

    public byte[] Get(string key)
    {
        using GetObjectResponse response = Client.GetObjectAsync(Bucket, key).GetAwaiter().GetResult();
        using var buffer = new MemoryStream();
        response.ResponseStream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public bool Exists(string key)
    {
        try
        {
            Client.GetObjectMetadataAsync(Bucket, key).GetAwaiter().GetResult();
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            foreach (MultipartUpload upload in MultipartUploads())
            {
                Client.AbortMultipartUploadAsync(Bucket, upload.Key, upload.UploadId).GetAwaiter().GetResult();
            }

            // Every version (a versioned bucket keeps deleted objects as versions), past any Object Lock retention
            // a test set: the bucket can only be deleted empty.
            foreach (S3ObjectVersion version in Versions())
            {
                Client
                    .DeleteObjectAsync(
                        new DeleteObjectRequest
                        {
                            BucketName = Bucket,
                            Key = version.Key,
                            VersionId = version.VersionId,
                            BypassGovernanceRetention = true,
                        }
                    )
                    .GetAwaiter()
                    .GetResult();
            }

            Client.DeleteBucketAsync(Bucket).GetAwaiter().GetResult();
        }
        catch (AmazonServiceException e) when (e.StatusCode == System.Net.HttpStatusCode.Forbidden)
        {
            // COMPLIANCE retention: nobody may delete before the date through S3; the gateway's admin tool may.
            Shell.TryRun("bash", [SourceTree.File("scripts/local-s3.sh"), "bucket-rm", Bucket]);
        }
        catch (AmazonServiceException)
        {
            // A test that broke the server has already failed; the bucket goes with the server's state.
        }

        Client.Dispose();
    }
}
