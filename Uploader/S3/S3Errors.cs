using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace BtrfsToS3.Uploader.S3;

/// <summary>Sorts S3 failures into those worth waiting out (the network, a busy server) and those a person must fix.</summary>
internal static class S3Errors
{
    public static bool IsTransient(Exception e, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case AmazonServiceException service when service.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                    || ((int)service.StatusCode >= 500 && service.StatusCode != HttpStatusCode.NotImplemented)
                    || service.ErrorCode is "RequestTimeout" or "SlowDown" or "InternalError" or "ServiceUnavailable"
                    // A conditional write that raced another operation on the key: AWS says to retry it (S3 API
                    // reference, PutObject, If-Match); the retry's own condition then decides.
                    || (service.StatusCode == HttpStatusCode.Conflict && service.ErrorCode == "ConditionalRequestConflict"):
                case HttpRequestException:
                case SocketException:
                case IOException:
                case TimeoutException:
                case OperationCanceledException:
                    return true;
                case AmazonServiceException:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The one line for a failure a person must fix, or null when it is not one of those.</summary>
    public static BackupFailure? Permanent(Exception e, string bucket)
    {
        if (e is AmazonClientException && e is not AmazonServiceException && e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new BackupFailure(
                FailureKind.Config,
                "no AWS credentials found: they come only from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, instance role)");
        }

        AmazonS3Exception? s3 = e as AmazonS3Exception ?? e.InnerException as AmazonS3Exception;
        return s3?.ErrorCode switch
        {
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" => new BackupFailure(
                FailureKind.Config,
                $"S3 rejected the credentials ({s3.ErrorCode}): they come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, instance role)"),
            "AccessDenied" => new BackupFailure(FailureKind.Config, $"S3 denied access to bucket {bucket} ({s3.Message}): the credentials need s3:PutObject, GetObject, DeleteObject, ListBucket and ListBucketMultipartUploads on it"),
            "NoSuchBucket" => new BackupFailure(FailureKind.Config, $"configuration: [s3] bucket: bucket {bucket} does not exist"),
            _ => null,
        };
    }
}
