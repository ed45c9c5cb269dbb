namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// S3 retention: how many generations stay once a newer full is published, and how old a generation's newest object
/// must be before it may be deleted (Deep Archive bills 180 days for an object deleted earlier).
/// </summary>
/// <param name="KeepGenerations">[retention] keep_generations: from 1 to 1000. Default 1.</param>
/// <param name="MinAgeDays">[retention] min_age_days: from 0 to 3650. Default 180.</param>
/// <param name="PruneInRun">
/// [retention] prune_in_run: yes (the uploader's run applies retention after every publish) or no (a host without
/// delete rights: nothing the run or check does deletes an object; <c>prune</c> under another identity, or a lifecycle
/// rule, applies retention). Default yes.
/// </param>
internal sealed record RetentionOptions(int KeepGenerations, int MinAgeDays, bool PruneInRun = true)
{
    /// <summary>Reads and checks [retention].</summary>
    public static RetentionOptions Read(ConfigSection section) =>
        new(
            section.Integer("keep_generations", min: 1, max: 1000),
            section.Integer("min_age_days", min: 0, max: 3650),
            section.Choice("prune_in_run", "yes", "no") == "yes"
        );
}
