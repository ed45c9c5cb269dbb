namespace BtrfsToS3.Uploader;

/// <summary>
/// What the uploader needs of the configuration beyond its syntax: a bucket, and the spool and state directories, which
/// must exist and be nobody else's to change (<see cref="SharedDirectoryCheck"/>). Every command that talks to S3 (run,
/// check, status, verify, prune, restore) checks this first.
/// </summary>
internal static class UploaderChecks
{
    public static void Check(BackupOptions options)
    {
        if (options.S3.Bucket.Length == 0)
        {
            throw ConfigError.At(options.Source.Where("s3", "bucket"), "is empty: the uploader needs a bucket");
        }

        foreach ((string section, string dir) in new[] { ("spool", options.Spool.Dir), ("state", options.State.Dir) })
        {
            if (!Directory.Exists(dir))
            {
                throw ConfigError.At(options.Source.Where(section, "dir"), $"{dir} does not exist");
            }

            SharedDirectoryCheck.Check(dir, options.Source.Where(section, "dir"));
        }
    }
}
