using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Uploader;

/// <summary>
/// <c>btrfs-to-s3-uploader check</c>: the effective settings, whether the bucket aborts incomplete multipart uploads
/// by itself, and whether the credentials can write, read and delete under the prefix. Prints no secret.
/// </summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(IAmazonS3 s3, BackupOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        S3Options o = options.S3;
        output.WriteLine($"bucket                  {o.Bucket}");
        output.WriteLine($"endpoint                {(o.Endpoint.Length > 0 ? o.Endpoint : "AWS")}");
        output.WriteLine($"region                  {(o.Region.Length > 0 ? o.Region : "(SDK default chain)")}");
        output.WriteLine($"prefix                  {o.Prefix}");
        output.WriteLine($"storage classes         data {o.StorageClassData}, metadata {o.StorageClassMetadata}");
        output.WriteLine($"encryption              SSE-S3 (AES256) on every object");
        output.WriteLine($"chunk size              {ByteSize.Format(options.Spool.ChunkSize)}, part size {ByteSize.Format(o.PartSize)}");
        output.WriteLine($"concurrency             {o.Concurrency} parts in flight");
        output.WriteLine($"wire checksums          {(o.ChecksumsWhenRequiredOnly ? "when_required (compatibility mode)" : "when_supported")}");
        output.WriteLine($"give up after           {Duration.Format(options.Uploader.GiveUpAfter)} of S3 outage");
        output.WriteLine($"credentials             {CredentialSource()}");

        string lifecycle;
        try
        {
            GetLifecycleConfigurationResponse response = await s3.GetLifecycleConfigurationAsync(o.Bucket, cancellationToken).ConfigureAwait(false);
            LifecycleRule? rule = response.Configuration?.Rules?.FirstOrDefault(r =>
                r.Status == LifecycleRuleStatus.Enabled
                && r.AbortIncompleteMultipartUpload?.DaysAfterInitiation is > 0
                && o.Prefix.StartsWith(r.Filter?.LifecycleFilterPredicate is LifecyclePrefixPredicate p ? p.Prefix ?? string.Empty : string.Empty, StringComparison.Ordinal));
            lifecycle = rule is null
                ? "MISSING: add a lifecycle rule AbortIncompleteMultipartUpload (e.g. 7 days) covering the prefix"
                : $"ok: rule \"{rule.Id}\" aborts incomplete multipart uploads after {rule.AbortIncompleteMultipartUpload.DaysAfterInitiation} days";
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchLifecycleConfiguration" or "NotImplemented" or "AccessDenied")
        {
            lifecycle = $"MISSING ({e.ErrorCode}): add a lifecycle rule AbortIncompleteMultipartUpload covering the prefix";
        }

        output.WriteLine($"abort incomplete MPU    {lifecycle}");

        string key = $"{o.Prefix}btrfs_to_s3-check-{Guid.NewGuid():N}";
        byte[] body = "btrfs_to_s3 check\n"u8.ToArray();
        try
        {
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = o.Bucket,
                Key = key,
                InputStream = new MemoryStream(body),
                StorageClass = S3StorageClass.FindValue(o.StorageClassMetadata),
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
            }, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"write under prefix      ok");
            using (GetObjectResponse read = await s3.GetObjectAsync(o.Bucket, key, cancellationToken).ConfigureAwait(false))
            using (var copy = new MemoryStream())
            {
                await read.ResponseStream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                output.WriteLine($"read under prefix       {(copy.ToArray().AsSpan().SequenceEqual(body) ? "ok" : "WRONG CONTENT")}");
            }

            await s3.DeleteObjectAsync(o.Bucket, key, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"delete under prefix     ok");
        }
        catch (AmazonS3Exception e)
        {
            throw Uploader.S3.S3Errors.Permanent(e, o.Bucket)
                ?? new BackupFailure(FailureKind.Unavailable, $"check: {key}: S3 answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new BackupFailure(FailureKind.TryAgainLater, $"check: S3 at {(o.Endpoint.Length > 0 ? o.Endpoint : "AWS")} is unreachable: {e.Message}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Where the SDK's default chain will find credentials, named without any part of them.</summary>
    private static string CredentialSource() =>
        Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } ? "environment (AWS_ACCESS_KEY_ID)"
        : Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } profile ? string.Create(CultureInfo.InvariantCulture, $"profile {profile}")
        : "SDK default chain (default profile or instance role)";
}
