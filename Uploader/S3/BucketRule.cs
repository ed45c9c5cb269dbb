namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// One rule of the bucket's lifecycle configuration, as far as <c>check</c> reads it: which objects it selects (a key
/// prefix, from its filter or the legacy rule-level Prefix; tag and size conditions) and what it does to them.
/// </summary>
/// <param name="Prefix">The key prefix the rule selects, empty for the whole bucket.</param>
/// <param name="Tagged">The rule selects only objects with certain tags. We never tag objects, so it selects none of
/// ours.</param>
/// <param name="LargerThan">The rule selects only objects larger than this many bytes.</param>
/// <param name="SmallerThan">The rule selects only objects smaller than this many bytes.</param>
internal sealed record BucketRule(
    string Id,
    bool Enabled,
    string Prefix,
    bool Tagged,
    long? LargerThan,
    long? SmallerThan,
    int? AbortUploadsAfterDays,
    IReadOnlyList<BucketTransition> Transitions,
    int? NoncurrentExpiresAfterDays
)
{
    private bool SizeConditioned => LargerThan is not null || SmallerThan is not null;

    /// <summary>The rule applies to every object under our prefix: enabled, no tag or size condition, and its prefix is
    /// a prefix of ours.</summary>
    public bool Covers(string prefix) =>
        Enabled && !Tagged && !SizeConditioned && prefix.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The rule may apply to some of our objects: enabled, not limited to tagged objects, and its prefix and
    /// ours overlap.</summary>
    public bool Touches(string prefix) =>
        Enabled
        && !Tagged
        && (prefix.StartsWith(Prefix, StringComparison.Ordinal) || Prefix.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>How the rule selects objects, for a person.</summary>
    public string Selection =>
        string.Join(
            ", ",
            new[]
            {
                Prefix.Length > 0 ? $"prefix \"{Prefix}\"" : "the whole bucket",
                Tagged ? "tagged objects only, and the uploader tags none" : null,
                LargerThan is { } larger ? $"objects larger than {larger} bytes" : null,
                SmallerThan is { } smaller ? $"objects smaller than {smaller} bytes" : null,
            }.OfType<string>()
        );
}
