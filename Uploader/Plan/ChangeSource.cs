namespace BtrfsToS3.Uploader.Plan;

/// <summary>Where plan took a subvolume's weekly change from, the best first.</summary>
internal enum ChangeSource
{
    /// <summary>The incrementals of the current generation, as their manifests in S3 give their bytes and
    /// times.</summary>
    Published,

    /// <summary>The ctime scan of scripts/fs_growth_analysis.sh, in the state directory's growth.tsv.</summary>
    Scan,

    /// <summary>A share of the size: --weekly-change, 1 % unless given.</summary>
    Share,
}
