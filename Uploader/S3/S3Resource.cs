namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// What an IAM action is granted on: the bucket (<c>arn:aws:s3:::BUCKET</c>) or the objects under the prefix
/// (<c>arn:aws:s3:::BUCKET/PREFIX*</c>). AWS ignores an action granted on the other kind of resource.
/// </summary>
internal enum S3Resource
{
    Bucket,
    Object,
}
