using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace BtrfsToS3.Uploader.S3;

/// <summary>Sorts S3 failures into those worth waiting out (the network, a busy server) and those a person must
/// fix.</summary>
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
                case AmazonServiceException service
                    when service.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                        || ((int)service.StatusCode >= 500 && service.StatusCode != HttpStatusCode.NotImplemented)
                        || service.ErrorCode
                            is "RequestTimeout"
                                or "SlowDown"
                                or "InternalError"
                                or "ServiceUnavailable"
                        // A conditional write that raced another operation on the key: AWS says to retry it (S3 API
                        // reference, PutObject, If-Match); the retry's own condition then decides.
                        || (
                            service.StatusCode == HttpStatusCode.Conflict
                            && service.ErrorCode == "ConditionalRequestConflict"
                        ):
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

    /// <summary>
    /// The one line for a failure a person must fix, or null when it is not one of those. A request S3 refused for want
    /// of a permission (<see cref="IsDenied"/>) gets a line naming the request, the bucket and the IAM action most
    /// likely missing, from <see cref="S3Permissions"/>.
    /// </summary>
    /// <param name="what">The operation and its object as the guard names them (e.g. "head KEY").</param>
    public static BackupFailure? Permanent(Exception e, string what, string bucket)
    {
        if (
            e is AmazonClientException
            && e is not AmazonServiceException
            && e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase)
        )
        {
            return new BackupFailure(
                FailureKind.Config,
                "no AWS credentials found: they come only from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, instance role)"
            );
        }

        AmazonS3Exception? s3 = e as AmazonS3Exception ?? e.InnerException as AmazonS3Exception;
        if (IsDenied(s3))
        {
            return new BackupFailure(FailureKind.Config, Denied(s3!, what, bucket), s3);
        }

        return s3?.ErrorCode switch
        {
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" => new BackupFailure(
                FailureKind.Config,
                $"S3 rejected the credentials ({s3.ErrorCode}): they come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, instance role)"
            ),
            "NoSuchBucket" => new BackupFailure(
                FailureKind.Config,
                $"configuration: [s3] bucket: bucket {bucket} does not exist"
            ),
            // A write with a retention into a bucket made without Object Lock ([s3] object_lock set): AWS answers 400
            // InvalidRequest, "Bucket is missing Object Lock Configuration".
            "InvalidRequest" when s3.Message?.Contains("Object Lock", StringComparison.OrdinalIgnoreCase) == true =>
                new BackupFailure(
                    FailureKind.Config,
                    $"configuration: [s3] object_lock is set, but bucket {bucket} has no Object Lock ({s3.Message}): use a bucket created with Object Lock, or set object_lock = off"
                ),
            _ => null,
        };
    }

    /// <summary>
    /// S3 refused the request for want of a permission: 403 AccessDenied (or AllAccessDisabled), a 403 without a body
    /// (the answer to a HEAD, for which the SDK reports the code "Forbidden", or none), or a DeleteObjects whose keys
    /// came back AccessDenied one by one. Other 403s are not permission problems and are not matched:
    /// InvalidObjectState (a GET of an archived object), ObjectAlreadyInActiveTierError (a thaw of an object that is
    /// not archived), and the credential errors.
    /// </summary>
    public static bool IsDenied(Exception? e) =>
        e switch
        {
            DeleteObjectsException { Response.DeleteErrors: [{ Code: "AccessDenied" }, ..] } => true,
            AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } s3 => s3.ErrorCode
                is null
                    or ""
                    or "Forbidden"
                    or "AccessDenied"
                    or "AllAccessDisabled",
            _ => false,
        };

    private static string Denied(AmazonS3Exception e, string what, string bucket)
    {
        string answer = e is DeleteObjectsException { Response.DeleteErrors: [{ } first, ..] }
            ? $"AccessDenied for {first.Key}"
            : $"{(int)e.StatusCode} {(string.IsNullOrEmpty(e.ErrorCode) ? "Forbidden" : e.ErrorCode)}"
                + (e.ErrorCode == "AccessDenied" && !string.IsNullOrEmpty(e.Message) ? $": {e.Message}" : string.Empty);
        string lacking = S3Permissions.Failed(e) switch
        {
            null => "the credentials lack a permission",
            { Action: "s3:GetObject" } =>
                $"the credentials likely lack s3:GetObject on the object, or s3:ListBucket on bucket {bucket}: without it, S3 answers 403 instead of 404 for a key that does not exist",
            { Resource: S3Resource.Object } p => $"the credentials likely lack {p.Action} on the object",
            { } p => $"the credentials likely lack {p.Action} on bucket {bucket}",
        };
        return $"{what}: S3 denied access ({answer}) in bucket {bucket}: {lacking} (docs/iam-policy.json lists what the uploader needs)";
    }
}
