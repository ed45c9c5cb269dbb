using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Tests.Shared.Btrfs;

[TestClass]
public sealed class SendSettingsTests
{
    private static readonly BtrfsOptions Auto = new(null, null);

    [TestMethod]
    [DataRow("6.2", 2, 2, false)]
    [DataRow("6.0", 2, 2, false)]
    [DataRow("5.16.2", 2, 1, false)]
    [DataRow("6.2", 1, 1, false)]
    public void Of_Auto_Protocol2WhereProgsAndKernelSendItWithoutCompressedData(
        string progs,
        int kernel,
        int protocol,
        bool compressed
    ) => Assert.AreEqual(new SendSettings(protocol, compressed), SendSettings.Of(Auto, Version.Parse(progs), kernel));

    [TestMethod]
    public void Of_Protocol2WithoutCompressedData_SendsItInflated() =>
        Assert.AreEqual(new SendSettings(2, false), SendSettings.Of(new BtrfsOptions(2, false), new Version(6, 2), 2));

    [TestMethod]
    [DataRow(
        "5.16.2",
        2,
        "[btrfs] send_protocol: 2 needs btrfs-progs 6.0 or newer to send it; this host has v5.16.2 (set auto or 1)"
    )]
    [DataRow(
        "6.2",
        1,
        "[btrfs] send_protocol: 2 needs a kernel that sends it (6.0 or newer); this one sends protocol 1 at most (set auto or 1)"
    )]
    public void Of_Protocol2TheHostCannotSend_Exit78WithTheReason(string progs, int kernel, string expected)
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            SendSettings.Of(new BtrfsOptions(2, null), Version.Parse(progs), kernel)
        );

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        StringAssert.EndsWith(failure.Message, expected);
    }

    [TestMethod]
    [DataRow("btrfs-progs v6.2", "6.2")]
    [DataRow("btrfs-progs v6.0.2", "6.0.2")]
    [DataRow("btrfs-progs v5.16.2 ", "5.16.2")]
    [DataRow("btrfs-progs v6", "6.0")]
    public void ParseProgs_VersionLine_TheVersion(string line, string expected) =>
        Assert.AreEqual(Version.Parse(expected), SendSettings.ParseProgs(line));

    [TestMethod]
    public void ParseProgs_NoVersion_Null() => Assert.IsNull(SendSettings.ParseProgs("btrfs: command not found"));

    [TestMethod]
    [DataRow(1, false, "/s/snap", null, "btrfs send /s/snap")]
    [DataRow(2, true, "/s/snap", "/s/parent", "btrfs send --proto 2 --compressed-data -p /s/parent /s/snap")]
    [DataRow(2, false, "/s/snap", null, "btrfs send --proto 2 /s/snap")]
    public void SendCommand_Settings_FlagsOnlyBeyondProtocol1(
        int protocol,
        bool compressed,
        string snapshot,
        string? parent,
        string expected
    ) =>
        Assert.AreEqual(
            expected,
            string.Join(' ', BtrfsTool.SendCommand(snapshot, parent, new SendSettings(protocol, compressed)))
        );

    [TestMethod]
    public void KernelSendProtocol_NoFeatureFile_Protocol1() =>
        Assert.AreEqual(1, BtrfsTool.KernelSendProtocol("/nonexistent/send_stream_version"));
}
