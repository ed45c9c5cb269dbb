using System.Diagnostics;
using System.Security.Cryptography;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Reliability;

/// <summary>
/// A chunk upload cut in the middle — by an outage, by kill -9, by the S3 server restarting — goes on where it stopped:
/// the bytes the uplink carried (counted by a <see cref="TcpProxy"/> in front of the real server) stay within the
/// bounds of docs/RELIABILITY.md. One chunk of 160 MiB in 32 parts of 5 MiB (S3's smallest), one part in flight: an
/// interruption can cost at most the part in flight, 3 % of the chunk.
/// </summary>
[TestClass]
public sealed class ResumeTests : BtrfsAndS3Test
{
    private const long ChunkBytes = 160 * ByteSize.MiB;

    [TestMethod]
    public void Run_OutageMidChunk_ResumesAndTheLinkCarriesAtMost105PercentOfTheChunk()
    {
        string config = SpoolOneChunk();
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint)) { UpstreamBytesPerSecond = 40_000_000 };
        using ToolRun run = ToolRun.Start(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);

        WaitForUpstream(proxy, run, ChunkBytes * 55 / 100);
        proxy.Cut();
        Thread.Sleep(TimeSpan.FromSeconds(8));
        proxy.Restore();

        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromMinutes(3)), run.Output);
        AssertCarriedAtMost(proxy.UpstreamBytes, 1.05, run.Output);
        StringAssert.Contains(run.Output, "retrying in");
        Assert.IsNotNull(Published.ReadPointer(_s3, "home"));
    }

    [TestMethod]
    public void Run_KilledMidChunkThenRerun_BothRunsTogetherCarryAtMost110PercentOfTheChunk()
    {
        string config = SpoolOneChunk();
        using TcpProxy proxy = KillAt55Percent(config);

        StringAssert.Contains(File.ReadAllText(UploadRecordPath()), "upload_id");
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "resuming multipart upload");
        AssertCarriedAtMost(proxy.UpstreamBytes, 1.10, output);
        Assert.IsNotNull(Published.ReadPointer(_s3, "home"));
        Assert.IsEmpty(_s3.MultipartUploads());
    }

    [TestMethod]
    public void Run_KilledMidChunkThenS3ServerRestarted_TheRerunResumesAndBothCarryAtMost110PercentOfTheChunk()
    {
        string config = SpoolOneChunk();
        using TcpProxy proxy = KillAt55Percent(config);

        // The multipart upload and its parts must outlive the server's restart (RGW keeps them in RADOS).
        Shell.Run("bash", SourceTree.File("scripts/local-s3.sh"), "stop");
        Shell.Run("bash", SourceTree.File("scripts/local-s3.sh"), "start");
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "resuming multipart upload");
        AssertCarriedAtMost(proxy.UpstreamBytes, 1.10, output);
        Assert.IsEmpty(_s3.MultipartUploads());
    }

    [TestMethod]
    public void Run_ChunkFlippedOnTheSpool_Exits65NamingChunkAndPartAndARerunSendsNothing()
    {
        string config = SpoolOneChunk();
        string chunk = Directory.GetFiles(Path.Combine(_fx.Spool, StreamName()), "chunk-??????").Single();
        using (var file = new FileStream(chunk, FileMode.Open, FileAccess.ReadWrite))
        {
            // A byte in part 12 (of 32), as a failing SSD would change it.
            file.Position = (11 * 5 * ByteSize.MiB) + 777;
            int b = file.ReadByte();
            file.Position -= 1;
            file.WriteByte((byte)~b);
        }

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, $"chunk {chunk}: S3 refused part 12 of 32");
        Assert.IsTrue(File.Exists(Path.Combine(_fx.Spool, StreamName(), "held.json")));
        Assert.IsEmpty(_s3.List());
        Assert.IsEmpty(_s3.MultipartUploads());

        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        (int again, string rerun) = ToolRun.Run(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);

        Assert.AreEqual(ExitCodes.DataError, again, rerun);
        StringAssert.Contains(rerun, "is held since");
        Assert.IsFalse(
            proxy.Requests.Any(r =>
                r.StartsWith("PUT ", StringComparison.Ordinal) || r.StartsWith("POST ", StringComparison.Ordinal)
            ),
            string.Join("\n", proxy.Requests)
        );
        Assert.IsTrue(File.Exists(chunk));
        (int statusCode, string status) = ToolRun.Run(UploaderTool, "status", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, statusCode, status);
        StringAssert.Contains(status, "HELD: chunk-000000 part 12 is damaged on the spool");
    }

    /// <summary>About 160 MiB of random data in home, spooled as one chunk of 32 parts; the configuration, one part in
    /// flight.</summary>
    private string SpoolOneChunk()
    {
        using (FileStream file = File.Create(Path.Combine(_fx.Subvolume("home"), "big.bin")))
        {
            byte[] block = new byte[ByteSize.MiB];
            for (int i = 0; i < 159; i++)
            {
                RandomNumberGenerator.Fill(block);
                file.Write(block);
            }
        }

        string config = _fx.WriteConfig(
            256 * ByteSize.MiB,
            ByteSize.GiB,
            ["home"],
            _s3.ConfigSection(_s3.Endpoint).Replace("concurrency = 4", "concurrency = 1", StringComparison.Ordinal)
                + "\n[uploader]\nlinger = 0s\ngive_up_after = 60s"
        );
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        return config;
    }

    /// <summary>An uploader through a 40 MB/s proxy, killed with -9 once the link carried 55 % of the chunk; the
    /// proxy.</summary>
    private TcpProxy KillAt55Percent(string config)
    {
        var proxy = new TcpProxy(new Uri(_s3.Endpoint)) { UpstreamBytesPerSecond = 40_000_000 };
        using ToolRun killed = ToolRun.Start(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);
        WaitForUpstream(proxy, killed, ChunkBytes * 55 / 100);
        killed.KillHard();
        return proxy;
    }

    private string StreamName() =>
        Path.GetFileName(
            Directory
                .GetDirectories(_fx.Spool)
                .Single(d => Path.GetFileName(d).StartsWith("home.", StringComparison.Ordinal))
        );

    private string UploadRecordPath() => Path.Combine(_fx.Spool, StreamName(), "chunk-000000.upload.json");

    private static void WaitForUpstream(TcpProxy proxy, ToolRun run, long bytes)
    {
        var clock = Stopwatch.StartNew();
        while (proxy.UpstreamBytes < bytes)
        {
            Assert.IsLessThan(60, clock.Elapsed.TotalSeconds, run.Output);
            Assert.IsFalse(run.HasExited, run.Output);
            Thread.Sleep(10);
        }
    }

    /// <summary>The stream is a little more than the data (btrfs send's own framing); the bound is on the chunk
    /// actually spooled.</summary>
    private void AssertCarriedAtMost(long carried, double ratio, string output)
    {
        long chunk = _s3.List().Where(o => o.Key.Contains("/chunk-", StringComparison.Ordinal)).Sum(o => o.Size ?? 0);
        Assert.IsGreaterThan(0, chunk, output);
        Assert.IsLessThanOrEqualTo(
            ratio * chunk,
            carried,
            $"the link carried {carried} bytes for a chunk of {chunk} ({(double)carried / chunk:0.000}x)\n{output}"
        );
    }
}
