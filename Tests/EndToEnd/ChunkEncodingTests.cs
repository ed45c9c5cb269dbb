using System.Text;
using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// [spool] compression and [encryption] recipients on real loopback btrfs and the local S3 server: streams written in
/// each setting, uploaded and received back identical; a setting changed mid-generation applies from the next full,
/// and a restore reads chains of any mix.
/// </summary>
[TestClass]
public sealed class ChunkEncodingTests : BtrfsAndS3Test
{
    protected override int DataMiB => 1;

    [TestMethod]
    public void Restore_FullsOfEachCompressionAndProtocol_ReceivedIdentical()
    {
        string config = _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"], _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s");
        AddText("text-0");
        int protocol2 = BtrfsTool.KernelSendProtocol() >= 2 ? 2 : 1;
        var sent = new List<(string Snapshot, string Generation, string Compression)>();
        foreach ((string compression, int protocol) in new[] { ("none", 1), ("zstd:3", protocol2), ("auto", 1), ("auto", protocol2) })
        {
            AddText($"text-{sent.Count + 1}");
            Thread.Sleep(1100);
            (int code, string log) = ToolRun.Run(
                Spooler, "--config", config, "--full", "--spool.compression", compression, "--btrfs.send_protocol", protocol.ToString(System.Globalization.CultureInfo.InvariantCulture), "--snapshots.retention", "keep_last:5");
            Assert.AreEqual(ExitCodes.Ok, code, log);
            (code, log) = ToolRun.Run(UploaderTool, "--config", config, "--retention.keep_generations", "9");
            Assert.AreEqual(ExitCodes.Ok, code, log);
            PointerGeneration generation = Published.ReadPointer(_s3, "data")!.Generations[^1];
            Manifest manifest = Published.ReadManifest(_s3, generation.Manifests[^1]);
            Assert.AreEqual(compression, manifest.Compression);
            Assert.AreEqual(manifest.TotalBytes, manifest.Chunks.Sum(c => c.StreamSize));
            if (compression != "none")
            {
                Assert.IsLessThan(manifest.TotalBytes, manifest.Chunks.Sum(c => c.Size), $"{compression}: the text compresses");
            }

            sent.Add((manifest.Snapshot.Name, generation.Generation, compression));
        }

        foreach ((string snapshot, string generation, string compression) in sent)
        {
            string target = Path.Combine(_fx.Mount, $"restored-{generation}");
            Directory.CreateDirectory(target);

            (int code, string restored) = ToolRun.Run(UploaderTool, "restore", "--config", config, "--subvolume", "data", "--generation", generation, "--target", target);

            Assert.AreEqual(ExitCodes.Ok, code, $"{compression}: {restored}");
            SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, snapshot), Path.Combine(target, snapshot));
        }
    }

    /// <summary>Half a megabyte of text, which compresses, in a new file of data.</summary>
    private void AddText(string name) =>
        File.AppendAllText(
            Path.Combine(_fx.Subvolume("data"), name),
            string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{name} line {i}: the quick brown fox\n")),
            Encoding.ASCII);
}
