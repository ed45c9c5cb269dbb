using Amazon.Runtime;

namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// The permissions the uploader needs, call by call. docs/iam-policy.json (the backup host),
/// docs/iam-policy-no-delete.json (a backup host without delete rights), docs/iam-policy-prune.json (the identity that
/// prunes for it) and docs/iam-policy-restore.json (a host that only restores) grant exactly the actions of their
/// hosts' commands, and a test keeps both policies, and this table, in step with the calls S3ObjectStore makes. The
/// actions are those of the S3 user guide, "Required permissions for Amazon S3 API operations"
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html): HeadObject needs
/// s3:GetObject; creating, sending and completing a multipart upload need s3:PutObject, listing its parts
/// s3:ListMultipartUploadParts, listing the bucket's uploads s3:ListBucketMultipartUploads; DeleteObjects checks
/// s3:DeleteObject for each key, and s3:DeleteObjectVersion for each that names a version; GetObjectLockConfiguration
/// needs s3:GetBucketObjectLockConfiguration; a PUT with Object Lock headers needs s3:PutObjectRetention besides.
/// </summary>
internal static class S3Permissions
{
    /// <summary>Where <see cref="Record"/> leaves the failed call's name on an exception.</summary>
    private const string CallKey = "BtrfsToS3.S3Call";

    private static readonly IReadOnlySet<string> Reading = Commands(
        "run",
        "check",
        "status",
        "verify",
        "prune",
        "restore"
    );

    /// <summary>
    /// Not a command: what deletes, the retention the run applies after a publish (with its delete of a chunk S3 stored
    /// wrong) and check's delete probe where [retention] prune_in_run = yes, and prune.
    /// </summary>
    public const string Retention = "retention";

    /// <summary>The commands of the host that makes the backups and applies retention itself
    /// (docs/iam-policy.json).</summary>
    public static IReadOnlySet<string> BackupHost { get; } =
        Commands("run", "check", "status", "verify", "prune", Retention);

    /// <summary>
    /// The commands of a host without delete rights, [retention] prune_in_run = no (docs/iam-policy-no-delete.json): it
    /// writes, and lengthens locks, but can neither delete nor shorten a lock.
    /// </summary>
    public static IReadOnlySet<string> NoDeleteHost { get; } = Commands("run", "check", "status", "verify");

    /// <summary>The second identity, which only applies retention: prune --profile NAME
    /// (docs/iam-policy-prune.json).</summary>
    public static IReadOnlySet<string> PruneIdentity { get; } = Commands("prune", Retention);

    /// <summary>The commands of a host that only restores, after a disaster (docs/iam-policy-restore.json).</summary>
    public static IReadOnlySet<string> RestoreHost { get; } = Commands("restore", "status", "verify");

    public static IReadOnlyList<S3Permission> All { get; } =
    [
        new("GetObject", "s3:GetObject", S3Resource.Object, Reading),
        new(
            "GetObjectMetadata",
            "s3:GetObject",
            S3Resource.Object,
            Commands("run", "check", "verify", "restore", "prune")
        ),
        // A HEAD shows an object's Object Lock only to a caller allowed s3:GetObjectRetention; to any other it succeeds
        // without it (S3 user guide, "Managing Object Lock": viewing lock information), and a lock would look absent.
        new(
            "GetObjectMetadata",
            "s3:GetObjectRetention",
            S3Resource.Object,
            Commands("run", "status", "verify", "restore", "prune")
        ),
        new("PutObject", "s3:PutObject", S3Resource.Object, Commands("run", "check", "prune")),
        new("InitiateMultipartUpload", "s3:PutObject", S3Resource.Object, Commands("run", "check")),
        new("UploadPart", "s3:PutObject", S3Resource.Object, Commands("run")),
        new("CompleteMultipartUpload", "s3:PutObject", S3Resource.Object, Commands("run")),
        new("ListParts", "s3:ListMultipartUploadParts", S3Resource.Object, Commands("run", "check")),
        new("AbortMultipartUpload", "s3:AbortMultipartUpload", S3Resource.Object, Commands("run", "check")),
        new("ListMultipartUploads", "s3:ListBucketMultipartUploads", S3Resource.Bucket, Commands("run", "check")),
        new("ListObjectsV2", "s3:ListBucket", S3Resource.Bucket, Reading),
        new("DeleteObjects", "s3:DeleteObject", S3Resource.Object, Commands(Retention)),
        // Retention in a versioned bucket deletes the versions themselves: a delete without one only adds a marker.
        new("DeleteObjects", "s3:DeleteObjectVersion", S3Resource.Object, Commands(Retention)),
        new("RestoreObject", "s3:RestoreObject", S3Resource.Object, Commands("restore")),
        new("ListVersions", "s3:ListBucketVersions", S3Resource.Bucket, Commands("restore", Retention)),
        // A GET or HEAD that names a version needs s3:GetObjectVersion besides: in a versioned bucket every reader of a
        // pointer's manifests and chunks names the versions it commits (restore --as-of reads pointer versions too).
        new(
            "GetObject",
            "s3:GetObjectVersion",
            S3Resource.Object,
            Commands("run", "status", "verify", "prune", "restore")
        ),
        new("GetLifecycleConfiguration", "s3:GetLifecycleConfiguration", S3Resource.Bucket, Commands("check")),
        new("GetBucketVersioning", "s3:GetBucketVersioning", S3Resource.Bucket, Commands("check", Retention)),
        new(
            "GetObjectLockConfiguration",
            "s3:GetBucketObjectLockConfiguration",
            S3Resource.Bucket,
            Commands("run", "check")
        ),
        // Lengthening a lock, and any write that carries one (the pointer prune rewrites under Object Lock included).
        new("PutObjectRetention", "s3:PutObjectRetention", S3Resource.Object, Commands("run", "prune")),
    ];

    /// <summary>The IAM actions the commands need, each with what it is granted on.</summary>
    public static IReadOnlyDictionary<string, S3Resource> ActionsFor(IReadOnlySet<string> commands) =>
        All.Where(p => p.Commands.Overlaps(commands))
            .GroupBy(p => p.Action)
            .ToDictionary(g => g.Key, g => g.First().Resource, StringComparer.Ordinal);

    public static S3Permission? Of(string call) => All.FirstOrDefault(p => p.Call == call);

    /// <summary>
    /// Leaves on the exception which call failed (its request type without "Request"): S3's answer does not say, and
    /// the line for a refused permission names the action from this table. S3Clients calls it from the client's
    /// ExceptionEvent, which hands over the request and the very exception that is then thrown.
    /// </summary>
    public static void Record(Exception exception, AmazonWebServiceRequest request)
    {
        string type = request.GetType().Name;
        exception.Data[CallKey] = type.EndsWith("Request", StringComparison.Ordinal) ? type[..^"Request".Length] : type;
    }

    /// <summary>The permission of the call that failed with the exception, where <see cref="Record"/> left
    /// it.</summary>
    public static S3Permission? Failed(Exception exception) =>
        exception.Data[CallKey] is string call ? Of(call)
        : exception is Amazon.S3.DeleteObjectsException ? Of("DeleteObjects")
        : null;

    private static HashSet<string> Commands(params string[] names) => new(names, StringComparer.Ordinal);
}
