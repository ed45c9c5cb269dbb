namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// One kind of S3 call the uploader makes, the IAM action AWS checks for it, and which of our commands make it.
/// </summary>
/// <param name="Call">The <see cref="Amazon.S3.IAmazonS3"/> method without "Async", as S3ObjectStore calls it.</param>
/// <param name="Action">The IAM action, e.g. <c>s3:GetObject</c>.</param>
/// <param name="Resource">What the action must be granted on.</param>
/// <param name="Commands">The uploader commands (run, check, status, verify, prune, restore) that make the
/// call.</param>
internal sealed record S3Permission(string Call, string Action, S3Resource Resource, IReadOnlySet<string> Commands);
