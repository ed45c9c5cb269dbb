namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A loopback btrfs filesystem made by scripts/btrfs-fixture.sh, with subvolumes data, root and home, a snapshot
/// directory, a spool and a state directory; torn down (unmounted, loop device freed) on dispose.
/// </summary>
internal sealed class BtrfsFixture : IDisposable
{
    private BtrfsFixture(string dir)
    {
        Dir = dir;
    }

    public string Dir { get; }

    public string Mount => Path.Combine(Dir, "mnt");

    public string Snapshots => Path.Combine(Mount, ".btrfs_to_s3");

    public string Spool => Path.Combine(Dir, "spool");

    public string State => Path.Combine(Dir, "state");

    public string Subvolume(string name) => Path.Combine(Mount, name);

    public static BtrfsFixture Create(int dataMiB = 8, string size = "1G")
    {
        Requirements.RootAndBtrfs();
        string dir = Path.Combine(Path.GetTempPath(), "btrfs_to_s3-test-" + Guid.NewGuid().ToString("N")[..12]);
        var fixture = new BtrfsFixture(dir);
        try
        {
            Environment.SetEnvironmentVariable(
                "FIXTURE_DATA_MIB",
                dataMiB.ToString(System.Globalization.CultureInfo.InvariantCulture)
            );
            Environment.SetEnvironmentVariable("FIXTURE_SIZE", size);
            Shell.Run("bash", SourceTree.File("scripts/btrfs-fixture.sh"), "setup", dir);
            return fixture;
        }
        catch
        {
            fixture.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes a configuration for this filesystem; extra lines are added per section ("spool" => "quota = 1MiB").
    /// Chunks hold the stream as it is unless a test asks for compression: tests that count bytes count stream bytes.
    /// </summary>
    public string WriteConfig(
        long chunkSize,
        long quota,
        string[]? subvolumes = null,
        string extra = "",
        string compression = "none"
    )
    {
        subvolumes ??= ["data", "root", "home"];
        string path = Path.Combine(Dir, "btrfs_to_s3.ini");
        File.WriteAllText(
            path,
            $"""
            [subvolumes]
            {string.Join('\n', subvolumes.Select(s => $"{s} = {Subvolume(s)}"))}
            [snapshots]
            dir = {Snapshots}
            [spool]
            dir = {Spool}
            quota = {quota}
            chunk_size = {chunkSize}
            compression = {compression}
            [state]
            dir = {State}
            {extra}
            """
        );
        return path;
    }

    /// <summary>The spool's entries with file sizes, lock files aside: compared before and after, it proves a run
    /// touched nothing.</summary>
    public string SpoolListing() =>
        string.Join(
            '\n',
            Directory
                .EnumerateFileSystemEntries(Spool, "*", SearchOption.AllDirectories)
                .Where(p => !p.EndsWith(".lock", StringComparison.Ordinal))
                .Order()
                .Select(p => File.Exists(p) ? $"{p} {new FileInfo(p).Length}" : p)
        );

    public void Dispose() => Shell.TryRun("bash", [SourceTree.File("scripts/btrfs-fixture.sh"), "teardown", Dir]);
}
