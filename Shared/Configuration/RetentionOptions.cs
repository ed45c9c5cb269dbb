namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// S3 retention: how many generations stay once a newer full is published, and how old a generation's newest object
/// must be before it may be deleted (Deep Archive bills 180 days for an object deleted earlier).
/// </summary>
/// <param name="KeepGenerations">[retention] keep_generations: from 1 to 1000. Default 1.</param>
/// <param name="MinAgeDays">[retention] min_age_days: from 0 to 3650. Default 180.</param>
internal sealed record RetentionOptions(int KeepGenerations, int MinAgeDays)
{
    /// <summary>Reads and checks [retention].</summary>
    public static RetentionOptions Read(ConfigSection section) => new(
        section.Integer("keep_generations", min: 1, max: 1000),
        section.Integer("min_age_days", min: 0, max: 3650));
}
