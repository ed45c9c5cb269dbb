using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Uploader.S3;

/// <summary>Reads and writes the small JSON objects (manifests, pointers) through the outage guard.</summary>
internal sealed class S3Objects(IAmazonS3 s3, string bucket, OutageGuard guard)
{
    /// <summary>The object, or null when there is none; a body of another format version is bad data.</summary>
    public async Task<T?> GetAsync<T>(string key, JsonTypeInfo<T> type, Func<T, int> version, CancellationToken cancellationToken)
        where T : class
    {
        (byte[]? body, int _) = await guard.RunAsync(
            $"get {key}",
            async ct =>
            {
                try
                {
                    using GetObjectResponse response = await s3.GetObjectAsync(bucket, key, ct).ConfigureAwait(false);
                    using var buffer = new MemoryStream();
                    await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                    return buffer.ToArray();
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }

        try
        {
            T value = JsonSerializer.Deserialize(body, type) ?? throw new JsonException("empty");
            return version(value) == SpoolLayout.FormatVersion
                ? value
                : throw new BackupFailure(FailureKind.BadData, $"s3://{bucket}/{key}: format version {version(value)}, but this build reads version {SpoolLayout.FormatVersion}");
        }
        catch (JsonException e)
        {
            throw new BackupFailure(FailureKind.BadData, $"s3://{bucket}/{key}: not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>Writes a JSON object with SSE-S3; with ifNoneMatch an existing object makes S3 answer 412, which is thrown.</summary>
    public async Task PutJsonAsync<T>(string key, T value, JsonTypeInfo<T> type, string storageClass, bool ifNoneMatch, CancellationToken cancellationToken)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(value, type);
        await guard.RunAsync(
            $"put {key}",
            async ct =>
            {
                var request = new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = key,
                    InputStream = new MemoryStream(body, writable: false),
                    ContentType = "application/json",
                    StorageClass = S3StorageClass.FindValue(storageClass),
                    ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
                    IfNoneMatch = ifNoneMatch ? "*" : null,
                };
                return await s3.PutObjectAsync(request, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }
}
