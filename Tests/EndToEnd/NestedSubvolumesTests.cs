using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// A Proxmox host's layout on real loopback btrfs (pve-storage's BTRFSPlugin: a subvolume per VM disk and container
/// volume under var/lib/pve/local-btrfs, Proxmox's snapshots beside them as read-only <c>disk@snap</c> subvolumes),
/// backed up through the local S3 server and restored into a fresh filesystem, nested subvolumes in their places.
/// </summary>
[TestClass]
public sealed class NestedSubvolumesTests : BtrfsAndS3Test
{
    private const string Images = "var/lib/pve/local-btrfs/images";
    private const string VmDisk = Images + "/100/vm-100-disk-0";
    private const string Container = Images + "/101/subvol-101-disk-0";
    private const string InContainer = Container + "/srv/my data";
    private const string NewVmDisk = Images + "/102/vm-102-disk-0";
    private const string InData = "nested-ä";

    protected override int DataMiB => 1;

    [TestInitialize]
    public void MakeProxmoxLayout()
    {
        CreateSubvolume("root", VmDisk);
        WriteSparseDisk(Path.Combine(_fx.Subvolume("root"), VmDisk, "disk.raw"));
        Shell.Run(
            "btrfs",
            "-q",
            "subvolume",
            "snapshot",
            "-r",
            Path.Combine(_fx.Subvolume("root"), VmDisk),
            Path.Combine(_fx.Subvolume("root"), VmDisk + "@snap1")
        );
        CreateSubvolume("root", Container);
        Directory.CreateDirectory(Path.Combine(_fx.Subvolume("root"), Container, "etc"));
        File.WriteAllText(Path.Combine(_fx.Subvolume("root"), Container, "etc/hostname"), "ct101\n");
        CreateSubvolume("root", InContainer);
        File.WriteAllText(Path.Combine(_fx.Subvolume("root"), InContainer, "file"), "two levels down\n");
        CreateSubvolume("data", InData);
        File.WriteAllBytes(
            Path.Combine(_fx.Subvolume("data"), InData, "blob"),
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000)
        );
    }

    [TestMethod]
    public void Run_ProxmoxLayout_BacksUpEveryNestedSubvolumeAndRestoresTheTreeInPlace()
    {
        string config = Config();
        string first = Backup(config);
        StringAssert.Contains(first, $"{VmDisk}@snap1: not backed up: it is a read-only snapshot");
        foreach (string path in new[] { VmDisk, Container, InContainer })
        {
            Pointer pointer = Published.ReadPointer(_s3, NestedName.For("root", path))!;
            Assert.AreEqual(new NestedPlace("root", path), pointer.Nested);
        }

        Assert.AreEqual(
            new NestedPlace("data", InData),
            Published.ReadPointer(_s3, NestedName.For("data", InData))!.Nested
        );
        Assert.IsNull(
            Published.ReadPointer(_s3, NestedName.For("root", VmDisk + "@snap1")),
            "a Proxmox snapshot was backed up"
        );

        // A change inside a VM disk, a new VM disk, a container volume removed (its inner subvolume first).
        using (FileStream disk = File.OpenWrite(Path.Combine(_fx.Subvolume("root"), VmDisk, "disk.raw")))
        {
            disk.Seek(3 * ByteSize.MiB, SeekOrigin.Begin);
            disk.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(100_000));
        }

        CreateSubvolume("root", NewVmDisk);
        WriteSparseDisk(Path.Combine(_fx.Subvolume("root"), NewVmDisk, "disk.raw"));
        Shell.Run("btrfs", "-q", "subvolume", "delete", Path.Combine(_fx.Subvolume("root"), InContainer));
        Shell.Run("btrfs", "-q", "subvolume", "delete", Path.Combine(_fx.Subvolume("root"), Container));
        Backup(config);

        Assert.HasCount(
            2,
            Published.ReadPointer(_s3, NestedName.For("root", VmDisk))!.Generations[0].Manifests,
            "the changed VM disk was not sent as an incremental"
        );
        Assert.HasCount(1, Published.ReadPointer(_s3, NestedName.For("root", NewVmDisk))!.Generations[0].Manifests);
        Assert.HasCount(
            1,
            Published.ReadPointer(_s3, NestedName.For("root", Container))!.Generations[0].Manifests,
            "the removed volume's chain must stay"
        );
        (int code, string status) = ToolRun.Run(UploaderTool, "status", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, status);
        StringAssert.Contains(
            status,
            $"{NestedName.For("root", Container)}: nested in root at {Container}, GONE from the host"
        );
        (code, string plan) = ToolRun.Run(UploaderTool, "plan", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, plan);
        StringAssert.Contains(plan, NestedName.For("root", NewVmDisk));
        // The changed VM disk's incremental is read from S3, but minutes after its full say nothing of a week.
        StringAssert.Contains(plan, "(published: 1 incremental of ");
        StringAssert.Contains(plan, "too short a time to tell a week)");
        StringAssert.Contains(
            File.ReadAllText(Path.Combine(_fx.State, "metrics.prom")),
            $"btrfs_to_s3_chain_position{{subvolume=\"{NestedName.For("root", VmDisk)}\"}} 1"
        );

        using BtrfsFixture fresh = BtrfsFixture.Create(dataMiB: 1, size: "512M");
        string target = Directory.CreateDirectory(Path.Combine(fresh.Mount, "restored")).FullName;
        (code, string output) = ToolRun.Run(UploaderTool, "restore", "--config", config, "--all", "--target", target);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(target, "data"));
        // Proxmox's own snapshot is not backed up, so it is not in the restored tree.
        SendStreams.AssertSameTree(_fx.Subvolume("root"), Path.Combine(target, "root"), VmDisk + "@snap1");
        Assert.IsFalse(Path.Exists(Path.Combine(target, "root", VmDisk + "@snap1")));
        // The VM disk comes back sparse: 64 MiB long, a few hundred KiB of it allocated.
        string restoredDisk = Path.Combine(target, "root", VmDisk, "disk.raw");
        Assert.AreEqual(64 * ByteSize.MiB, new FileInfo(restoredDisk).Length);
        Assert.IsLessThan(
            8 * ByteSize.MiB,
            long.Parse(
                Shell.Run("stat", "-c", "%b", restoredDisk).Trim(),
                System.Globalization.CultureInfo.InvariantCulture
            ) * 512
        );
        foreach (string path in new[] { VmDisk, NewVmDisk })
        {
            string restored = Path.Combine(target, "root", path);
            string flags = Shell
                .Run("btrfs", "subvolume", "show", restored)
                .Split('\n')
                .Single(l => l.Trim().StartsWith("Flags:", StringComparison.Ordinal));
            Assert.DoesNotContain("readonly", flags, $"{restored} is not a writable subvolume");
        }
    }

    [TestMethod]
    public void Run_NestedExclude_WarnsNamingEveryOneAndSendsNone()
    {
        string config = Config(nested: "exclude");

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(
            output,
            $"subvolume root: 3 nested subvolumes NOT backed up ([subvolumes] nested = exclude): {VmDisk}, {Container}, {InContainer}"
        );
        StringAssert.Contains(
            output,
            $"subvolume data: 1 nested subvolumes NOT backed up ([subvolumes] nested = exclude): {InData}"
        );
        Assert.IsEmpty(
            Directory.GetDirectories(_fx.Spool).Where(d => Path.GetFileName(d).Count(c => c == '.') > 1),
            "a nested subvolume's stream was spooled"
        );
    }

    [TestMethod]
    public void Run_NestedFail_Exits78NamingThemAndTouchesNothing()
    {
        string config = Config(nested: "fail");

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Config, code, output);
        StringAssert.Contains(
            output,
            $"[subvolumes] nested: fail, and subvolume data ({_fx.Subvolume("data")}) holds 1 nested subvolumes a snapshot of it would leave empty: {InData}"
        );
        Assert.IsEmpty(Directory.GetFileSystemEntries(_fx.Snapshots));
        Assert.IsEmpty(Directory.GetDirectories(_fx.Spool));
    }

    [TestMethod]
    public void Run_SpoolerKilledInANestedStream_RerunCompletesAndRestores()
    {
        WriteRandom(Path.Combine(_fx.Subvolume("root"), VmDisk, "more.bin"), 4_000_000);
        string config = Config(subvolumes: ["root"]);
        using (ToolRun spooler = ToolRun.Start(Spooler, "--config", config, "--spool.quota", "2MiB"))
        {
            // No uploader runs, so the spooler pauses at the quota inside the VM disk's stream; kill -9 it there.
            spooler.WaitForOutput($"stream {NestedName.For("root", VmDisk)}", TimeSpan.FromMinutes(1));
            spooler.WaitForOutput("pausing until", TimeSpan.FromMinutes(1));
            spooler.KillHard();
        }

        Assert.IsNotEmpty(Directory.GetDirectories(_fx.Spool, NestedName.For("root", VmDisk) + ".*"));
        string output = Backup(config);
        StringAssert.Contains(output, "an earlier run did not seal it; sending it again from the same snapshot");

        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored")).FullName;
        (int code, string restore) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "root",
            "--target",
            target
        );
        Assert.AreEqual(ExitCodes.Ok, code, restore);
        SendStreams.AssertSameTree(_fx.Subvolume("root"), Path.Combine(target, "root"), VmDisk + "@snap1");

        string alone = Directory.CreateDirectory(Path.Combine(_fx.Mount, "alone")).FullName;
        (code, restore) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "root",
            "--target",
            alone,
            "--no-nested"
        );
        Assert.AreEqual(ExitCodes.Ok, code, restore);
        Assert.IsTrue(File.Exists(Path.Combine(alone, "root", "etc/config")));
        Assert.IsFalse(Path.Exists(Path.Combine(alone, "root", VmDisk)), "--no-nested restored a nested subvolume");
    }

    private static string Backup(string config)
    {
        Thread.Sleep(1100);
        (int code, string spooled) = ToolRun.Run(Spooler, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, spooled);
        (code, string uploaded) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, uploaded);
        return spooled;
    }

    private string Config(string nested = "include", string[]? subvolumes = null) =>
        _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            subvolumes ?? ["data", "root"],
            $"metrics_file = {Path.Combine(_fx.State, "metrics.prom")}\n[subvolumes]\nnested = {nested}\n"
                + _s3.ConfigSection(_s3.Endpoint)
                + "\n[uploader]\nlinger = 0s"
        );

    private void CreateSubvolume(string configured, string path)
    {
        string full = Path.Combine(_fx.Subvolume(configured), path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Shell.Run("btrfs", "-q", "subvolume", "create", full);
    }

    /// <summary>A VM disk as Proxmox makes one: a sparse raw file with a little data in it.</summary>
    private static void WriteSparseDisk(string path)
    {
        using FileStream disk = File.Create(path);
        disk.SetLength(64 * ByteSize.MiB);
        disk.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(200_000));
    }

    private static void WriteRandom(string path, int bytes) =>
        File.WriteAllBytes(path, System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes));
}
