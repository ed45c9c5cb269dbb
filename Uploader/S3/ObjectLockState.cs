namespace BtrfsToS3.Uploader.S3;

/// <summary>The bucket's Object Lock: whether it is on, and the retention new objects get by default (mode, days or
/// years).</summary>
internal sealed record ObjectLockState(bool Enabled, string? Mode, int? Days, int? Years)
{
    public static ObjectLockState Off { get; } = new(false, null, null, null);

    public override string ToString() =>
        !Enabled ? "off"
        : Mode is null ? "on, no default retention"
        : $"on, default retention {Mode} " + (Days is { } days ? $"{days} days" : $"{Years} years");
}
