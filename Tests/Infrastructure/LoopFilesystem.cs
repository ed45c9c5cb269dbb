namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A small ext4 filesystem on a loop device, mounted on a fresh temporary directory: a spool disk that fills up for
/// real. Unmounted (which frees the loop device) and removed on dispose.
/// </summary>
internal sealed class LoopFilesystem : IDisposable
{
    private readonly TempDirectory _root = new("test-ext4");

    private LoopFilesystem() { }

    public string Dir => _root.File("mnt");

    /// <param name="size">The image's size, as truncate takes it, e.g. 24M.</param>
    public static LoopFilesystem Create(string size)
    {
        Requirements.Root();
        var filesystem = new LoopFilesystem();
        try
        {
            string image = filesystem._root.File("disk.img");
            Shell.Run("truncate", "-s", size, image);
            Shell.Run("mkfs.ext4", "-q", "-F", "-m", "0", image);
            Directory.CreateDirectory(filesystem.Dir);
            Shell.Run("mount", "-o", "loop", image, filesystem.Dir);
            // A spool holds only what btrfs_to_s3 writes; anything else is logged as a stray.
            Directory.Delete(Path.Combine(filesystem.Dir, "lost+found"));
            File.SetUnixFileMode(
                filesystem.Dir,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            );
        }
        catch
        {
            filesystem.Dispose();
            throw;
        }

        return filesystem;
    }

    public void Dispose()
    {
        Shell.TryRun("umount", [Dir]);
        _root.Dispose();
    }
}
