using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.Uploader.S3;

/// <summary>The one line for a request S3 refused for want of a permission, and the 403s that are not that.</summary>
[TestClass]
public sealed class S3ErrorsTests
{
    private const string Bucket = "backup-bucket";
    private const string Policy = "(docs/iam-policy.json lists what the uploader needs)";

    [TestMethod]
    [DataRow("Forbidden", DisplayName = "the SDK's code for a body-less 403")]
    [DataRow(null, DisplayName = "no code at all")]
    [DataRow("", DisplayName = "an empty code")]
    public void Permanent_HeadAnswered403WithoutBody_IsConfigNamingGetObjectAndListBucket(string? code)
    {
        AmazonS3Exception denied = Error(
            HttpStatusCode.Forbidden,
            code,
            "Error making request with Error Code Forbidden and Http Status Code Forbidden. No further error information was returned by the service."
        );
        S3Permissions.Record(denied, new GetObjectMetadataRequest());

        BackupFailure? failure = S3Errors.Permanent(denied, "head backup/data/g/s/chunk-000001", Bucket);

        Assert.IsNotNull(failure);
        Assert.AreEqual(FailureKind.Config, failure.Kind);
        Assert.AreEqual(
            $"head backup/data/g/s/chunk-000001: S3 denied access (403 Forbidden) in bucket backup-bucket: the credentials likely lack s3:GetObject on the object, or s3:ListBucket on bucket backup-bucket: without it, S3 answers 403 instead of 404 for a key that does not exist {Policy}",
            failure.Message
        );
        Assert.AreSame(denied, failure.InnerException);
    }

    [TestMethod]
    [DataRow(typeof(PutObjectRequest), "s3:PutObject on the object")]
    [DataRow(typeof(InitiateMultipartUploadRequest), "s3:PutObject on the object")]
    [DataRow(typeof(ListPartsRequest), "s3:ListMultipartUploadParts on the object")]
    [DataRow(typeof(AbortMultipartUploadRequest), "s3:AbortMultipartUpload on the object")]
    [DataRow(typeof(ListMultipartUploadsRequest), "s3:ListBucketMultipartUploads on bucket backup-bucket")]
    [DataRow(typeof(ListObjectsV2Request), "s3:ListBucket on bucket backup-bucket")]
    [DataRow(typeof(DeleteObjectsRequest), "s3:DeleteObject on the object")]
    [DataRow(typeof(RestoreObjectRequest), "s3:RestoreObject on the object")]
    [DataRow(typeof(GetBucketVersioningRequest), "s3:GetBucketVersioning on bucket backup-bucket")]
    [DataRow(typeof(GetObjectLockConfigurationRequest), "s3:GetBucketObjectLockConfiguration on bucket backup-bucket")]
    public void Permanent_AccessDenied_NamesTheActionOfTheCall(Type request, string lacking)
    {
        AmazonS3Exception denied = Error(HttpStatusCode.Forbidden, "AccessDenied", "Access Denied");
        S3Permissions.Record(denied, (Amazon.Runtime.AmazonWebServiceRequest)Activator.CreateInstance(request)!);

        BackupFailure? failure = S3Errors.Permanent(denied, "do k", Bucket);

        Assert.AreEqual(FailureKind.Config, failure?.Kind);
        Assert.AreEqual(
            $"do k: S3 denied access (403 AccessDenied: Access Denied) in bucket backup-bucket: the credentials likely lack {lacking} {Policy}",
            failure!.Message
        );
    }

    [TestMethod]
    public void Permanent_DeleteObjectsWithKeysRefusedOneByOne_NamesDeleteObjectAndTheKey()
    {
        // S3 answers 200 and lists each key it would not delete; the SDK throws DeleteObjectsException.
        var refused = new DeleteObjectsException(
            new DeleteObjectsResponse
            {
                DeleteErrors = [new DeleteError { Code = "AccessDenied", Key = "backup/data/g/s/chunk-000001" }],
            }
        );

        BackupFailure? failure = S3Errors.Permanent(
            refused,
            "delete 1 objects under backup/data/g/s/chunk-000001",
            Bucket
        );

        Assert.AreEqual(FailureKind.Config, failure?.Kind);
        Assert.AreEqual(
            $"delete 1 objects under backup/data/g/s/chunk-000001: S3 denied access (AccessDenied for backup/data/g/s/chunk-000001) in bucket backup-bucket: the credentials likely lack s3:DeleteObject on the object {Policy}",
            failure!.Message
        );
    }

    [TestMethod]
    [DataRow("InvalidObjectState", DisplayName = "a GET of an archived object that is not thawed")]
    [DataRow("ObjectAlreadyInActiveTierError", DisplayName = "a thaw of an object that is not archived")]
    public void Permanent_403ThatIsNoPermissionProblem_IsNotMatched(string code)
    {
        AmazonS3Exception answer = Error(HttpStatusCode.Forbidden, code, "not a permission");
        S3Permissions.Record(answer, new GetObjectRequest());

        Assert.IsFalse(S3Errors.IsDenied(answer));
        Assert.IsNull(S3Errors.Permanent(answer, "get k", Bucket));
    }

    [TestMethod]
    public void Permanent_DeniedWrappedInAnotherException_IsStillMatched()
    {
        AmazonS3Exception denied = Error(HttpStatusCode.Forbidden, "AccessDenied", "Access Denied");
        S3Permissions.Record(denied, new PutObjectRequest());

        BackupFailure? failure = S3Errors.Permanent(
            new Amazon.Runtime.AmazonClientException("upload failed", denied),
            "put k",
            Bucket
        );

        StringAssert.Contains(failure?.Message, "s3:PutObject on the object");
    }

    private static AmazonS3Exception Error(HttpStatusCode status, string? code, string message) =>
        new(message) { StatusCode = status, ErrorCode = code };
}
