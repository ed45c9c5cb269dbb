using System.Diagnostics;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Spooler.Chunking;
using BtrfsToS3.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Spooler.Chunking;

/// <summary>The chunk writer fed by a real <c>btrfs send</c>, with chunk sizes placed on the stream's exact
/// length.</summary>
[TestClass]
public sealed class ChunkWriterBtrfsTests
{
    [TestMethod]
    public async Task WriteAsync_BtrfsSendAtChunkBoundaries_ChunksAreTheStream()
    {
        using BtrfsFixture fx = BtrfsFixture.Create(dataMiB: 2);
        string snapshot = Path.Combine(fx.Snapshots, "data.20261125T020000Z");
        Shell.Run("btrfs", "subvolume", "snapshot", "-r", fx.Subvolume("data"), snapshot);
        string reference = SendStreams.ReferenceSend(fx, snapshot);
        long length = new FileInfo(reference).Length;

        foreach (long chunkSize in new[] { length, length - 1, length + 1, ByteSize.MiB, 4096 })
        {
            var spool = new SpoolDirectory(fx.Spool);
            SpoolStream stream = spool.CreateStream($"data.20261125T02{chunkSize % 10000:D4}Z");
            var gate = new QuotaGate(
                spool,
                ByteSize.GiB,
                TimeSpan.FromMilliseconds(10),
                TimeProvider.System,
                NullLogger.Instance
            );
            using Process send = Process.Start(
                new ProcessStartInfo("btrfs", ["send", "-q", snapshot]) { RedirectStandardOutput = true }
            )!;

            ChunkedStream result = await new ChunkWriter(
                stream,
                chunkSize,
                5 * ByteSize.MiB,
                ChunkCompression.None,
                [],
                gate,
                NullLogger.Instance
            ).WriteAsync(send.StandardOutput.BaseStream, CancellationToken.None);
            await send.WaitForExitAsync();

            Assert.AreEqual(0, send.ExitCode);
            Assert.HasCount((int)((length + chunkSize - 1) / chunkSize), result.Chunks, $"chunk size {chunkSize}");
            Assert.AreEqual(length - ((result.Chunks.Count - 1) * chunkSize), result.Chunks[^1].Size);
            string joined = Path.Combine(fx.Dir, "joined.stream");
            using (FileStream output = File.Create(joined))
            {
                foreach (var chunk in result.Chunks)
                {
                    using FileStream input = File.OpenRead(Path.Combine(stream.Dir, chunk.Name));
                    await input.CopyToAsync(output);
                }
            }

            SendStreams.AssertSameBytes(reference, joined);
        }
    }
}
