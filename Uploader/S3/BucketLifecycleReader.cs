using Amazon.S3.Model;

namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// Turns the SDK's lifecycle configuration into <see cref="BucketLifecycle"/>. A rule selects objects by a filter of
/// one condition or an And of several (prefix, tags, object size), or, in configurations written before filters
/// existed, by a rule-level Prefix (S3 API reference, LifecycleRule and LifecycleRuleFilter). The SDK reads a filter
/// into predicates, and an And into an operator holding them.
/// </summary>
internal static class BucketLifecycleReader
{
    public static BucketLifecycle From(GetLifecycleConfigurationResponse response) =>
        new(
            [.. (response.Configuration?.Rules ?? []).Select(Rule)],
            response.TransitionDefaultMinimumObjectSize?.Value,
            null
        );

    private static BucketRule Rule(LifecycleRule rule)
    {
        List<LifecycleFilterPredicate> conditions = rule.Filter?.LifecycleFilterPredicate switch
        {
            LifecycleNAryOperator all => all.Operands ?? [],
            { } one => [one],
            null => [],
        };
        return new BucketRule(
            rule.Id ?? string.Empty,
            rule.Status == Amazon.S3.LifecycleRuleStatus.Enabled,
            conditions.OfType<LifecyclePrefixPredicate>().Select(p => p.Prefix).FirstOrDefault()
                ?? LegacyPrefix(rule)
                ?? string.Empty,
            conditions.OfType<LifecycleTagPredicate>().Any(),
            conditions
                .OfType<LifecycleObjectSizeGreaterThanPredicate>()
                .Select(p => p.ObjectSizeGreaterThan)
                .FirstOrDefault(),
            conditions
                .OfType<LifecycleObjectSizeLessThanPredicate>()
                .Select(p => p.ObjectSizeLessThan)
                .FirstOrDefault(),
            rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
            [
                .. (rule.Transitions ?? []).Select(t => new BucketTransition(
                    t.StorageClass?.Value ?? "?",
                    t.Days,
                    t.Date
                )),
            ],
            rule.NoncurrentVersionExpiration?.NoncurrentDays
        );
    }

    // The rule-level Prefix is deprecated in the API, but configurations written before filters existed still hold it.
#pragma warning disable CS0618
    private static string? LegacyPrefix(LifecycleRule rule) => rule.Prefix;
#pragma warning restore CS0618
}
