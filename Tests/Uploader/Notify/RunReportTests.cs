using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Uploader.Commands;
using BtrfsToS3.Uploader.Notify;
using BtrfsToS3.Uploader.Upload;

namespace BtrfsToS3.Tests.Uploader.Notify;

[TestClass]
public sealed class RunReportTests
{
    [TestMethod]
    public void Ended_Success_SaysWhatMovedAndHowLong()
    {
        var run = new RunStats(
            DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch,
            0,
            3,
            3 * ByteSize.GiB,
            61.2,
            52.6,
            0,
            2,
            BuildInfo.WrittenBy
        );

        Assert.AreEqual(
            $"btrfs-to-s3-uploader on h ended a backup run with exit 0 (done) after 62 s: 3 chunks, 3.0 GiB uploaded at 52.6 MB/s, 2 streams published. ({BuildInfo.WrittenBy})",
            RunReport.Ended("h", 0, TimeSpan.FromSeconds(61.7), run, failure: null)
        );
    }

    [TestMethod]
    public void Ended_FailureBeforeAnyUpload_QuotesTheFailingLine()
    {
        Assert.AreEqual(
            $"btrfs-to-s3-uploader on h ended a backup run with exit 78 (configuration) after 1 s: nothing was uploaded. Failing line: configuration: x: is empty (exit 78) ({BuildInfo.WrittenBy})",
            RunReport.Ended("h", 78, TimeSpan.FromSeconds(1), null, "configuration: x: is empty (exit 78)")
        );
    }

    [TestMethod]
    public void UnitFailed_WhatSystemdSays_NamedWithTheExitMeaning()
    {
        Assert.AreEqual(
            "btrfs-to-s3-spooler.service failed on h with exit 69 (unavailable). See its log: journalctl -u btrfs-to-s3-spooler.service.",
            RunReport.UnitFailed("btrfs-to-s3-spooler.service", "h", "exit-code", "69")
        );
        Assert.AreEqual(
            "btrfs-to-s3-uploader.service failed on h (signal, KILL). See its log: journalctl -u btrfs-to-s3-uploader.service.",
            RunReport.UnitFailed("btrfs-to-s3-uploader.service", "h", "signal", "KILL")
        );
        Assert.AreEqual(
            "x.service failed on h. See its log: journalctl -u x.service.",
            RunReport.UnitFailed("x.service", "h", null, null)
        );
    }

    [TestMethod]
    public void AlreadyReported_UploaderExitAfterItsConfiguration_TrueElseFalse()
    {
        Assert.IsTrue(NotifyCommand.AlreadyReported("btrfs-to-s3-uploader.service", "exit-code", "65"));
        Assert.IsFalse(NotifyCommand.AlreadyReported("btrfs-to-s3-uploader.service", "exit-code", "78"));
        Assert.IsFalse(NotifyCommand.AlreadyReported("btrfs-to-s3-uploader.service", "signal", "KILL"));
        Assert.IsFalse(NotifyCommand.AlreadyReported("btrfs-to-s3-spooler.service", "exit-code", "65"));
        Assert.IsFalse(NotifyCommand.AlreadyReported("btrfs-to-s3-uploader.service", null, null));
    }
}
