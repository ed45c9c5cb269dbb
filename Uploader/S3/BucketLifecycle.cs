namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// The bucket's lifecycle configuration as <c>check</c> reads it: its rules, and S3's default minimum size for
/// transitions (<c>x-amz-transition-default-minimum-object-size</c>: all_storage_classes_128K or
/// varies_by_storage_class; null where the server does not say), or, when it could not be read, why.
/// </summary>
internal sealed record BucketLifecycle(IReadOnlyList<BucketRule> Rules, string? TransitionMinimumSize, string? Problem)
{
    public static BucketLifecycle None { get; } = new([], null, null);

    /// <summary>The rule that aborts incomplete multipart uploads for every object under the prefix, if any.</summary>
    public BucketRule? AbortRuleFor(string prefix) =>
        Rules.FirstOrDefault(r => r.AbortUploadsAfterDays is > 0 && r.Covers(prefix));

    /// <summary>Rules that abort incomplete uploads, but not of every object under the prefix (a tag or size condition,
    /// another prefix).</summary>
    public IEnumerable<BucketRule> AbortRulesMissing(string prefix) =>
        Rules.Where(r => r.Enabled && r.AbortUploadsAfterDays is > 0 && !r.Covers(prefix));

    /// <summary>Rules that move some of our objects to another storage class.</summary>
    public IEnumerable<BucketRule> TransitionsOver(string prefix) =>
        Rules.Where(r => r.Transitions.Count > 0 && r.Touches(prefix));

    /// <summary>The rule that expires noncurrent versions of every object under the prefix, if any.</summary>
    public BucketRule? NoncurrentExpiryFor(string prefix) =>
        Rules.FirstOrDefault(r => r.NoncurrentExpiresAfterDays is > 0 && r.Covers(prefix));
}
