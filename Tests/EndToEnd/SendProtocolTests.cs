using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// [btrfs] send_protocol and compressed_data on real loopback btrfs and the local S3 server: one chain whose streams
/// were sent with protocol 1, protocol 2 with the filesystem's compressed extents as they are, and protocol 2 inflated,
/// uploaded, and received back identical; each manifest says how its stream was sent.
/// </summary>
[TestClass]
public sealed class SendProtocolTests : BtrfsAndS3Test
{
    protected override int DataMiB => 2;

    [TestMethod]
    public void Restore_ChainOfProtocol1AndProtocol2Streams_ReceivedIdenticalAndEachManifestSaysHowItWasSent()
    {
        if (BtrfsTool.KernelSendProtocol() < 2)
        {
            Assert.Inconclusive("this kernel sends btrfs send protocol 1 only");
        }

        string config = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
        string data = _fx.Subvolume("data");
        // Files made in this directory from now on are stored compressed (they inherit its property; nothing made
        // before does): what --compressed-data sends as it is.
        string packed = Path.Combine(data, "packed");
        Directory.CreateDirectory(packed);
        Shell.Run("btrfs", "property", "set", packed, "compression", "zstd");
        List<string> snapshots = [];
        foreach (
            (string protocol, string compressed, string file) in new[]
            {
                ("1", "no", "one.txt"),
                ("2", "yes", "two.txt"),
                ("2", "no", "three.txt"),
            }
        )
        {
            // Appended, not File.WriteAllText: that preallocates the file's size, and btrfs never compresses what it
            // writes into preallocated extents.
            File.AppendAllText(
                Path.Combine(packed, file),
                string.Concat(Enumerable.Repeat($"{file}: the same line again and again\n", 40_000))
            );
            Thread.Sleep(1100);
            // Every snapshot stays, to compare each received one with it.
            (int sent, string log) = ToolRun.Run(
                Spooler,
                "--config",
                config,
                "--btrfs.send_protocol",
                protocol,
                "--btrfs.compressed_data",
                compressed,
                "--snapshots.retention",
                "keep_last:5"
            );
            Assert.AreEqual(ExitCodes.Ok, sent, log);
            StringAssert.Contains(
                log,
                protocol == "1" ? "btrfs send /"
                    : compressed == "yes" ? "btrfs send --proto 2 --compressed-data -p "
                    : "btrfs send --proto 2 -p "
            );
            (int uploaded, string output) = ToolRun.Run(UploaderTool, "--config", config);
            Assert.AreEqual(ExitCodes.Ok, uploaded, output);
            snapshots.Add(
                Published
                    .ReadManifest(_s3, Published.ReadPointer(_s3, "data")!.Generations[^1].Manifests[^1])
                    .Snapshot.Name
            );
        }

        IReadOnlyList<string> manifests = Published.ReadPointer(_s3, "data")!.Generations.Single().Manifests;
        CollectionAssert.AreEqual(
            new[] { 1, 2, 2 },
            manifests.Select(m => Published.ReadManifest(_s3, m).SendProtocol).ToArray()
        );
        CollectionAssert.AreEqual(
            new[] { false, true, false },
            manifests.Select(m => Published.ReadManifest(_s3, m).CompressedData).ToArray()
        );
        // The same 1.6 MB of text, compressed by btrfs: sent as the filesystem holds it, and inflated.
        long compressedBytes = Published.ReadManifest(_s3, manifests[1]).TotalBytes;
        long inflatedBytes = Published.ReadManifest(_s3, manifests[2]).TotalBytes;
        Assert.IsLessThan(
            inflatedBytes / 4,
            compressedBytes,
            $"{compressedBytes} bytes with --compressed-data, {inflatedBytes} without"
        );
        string target = Path.Combine(_fx.Mount, "restored");
        Directory.CreateDirectory(target);

        (int code, string restored) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target
        );

        Assert.AreEqual(ExitCodes.Ok, code, restored);
        foreach (string snapshot in snapshots)
        {
            SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, snapshot), Path.Combine(target, snapshot));
        }
    }
}
