namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>A small tmpfs mounted on a fresh temporary directory, as a memory-backed spool; unmounted and removed on
/// dispose.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string dir)
    {
        Dir = dir;
    }

    public string Dir { get; }

    /// <param name="size">tmpfs's size= option, e.g. 64m; 0 mounts one without a size limit of its own.</param>
    public static TmpfsMount Create(string size)
    {
        Requirements.Root();
        string dir = Directory.CreateTempSubdirectory("btrfs_to_s3-tmpfs-").FullName;
        try
        {
            Shell.Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", dir);
        }
        catch
        {
            Directory.Delete(dir);
            throw;
        }

        return new TmpfsMount(dir);
    }

    public void Dispose()
    {
        Shell.Run("umount", Dir);
        Directory.Delete(Dir);
    }
}
