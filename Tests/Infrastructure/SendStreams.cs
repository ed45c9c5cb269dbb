using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>Checks on what the spooler spooled, against btrfs itself: the reference send, and a real receive.</summary>
internal static class SendStreams
{
    /// <summary><c>btrfs send</c> of the snapshot (a full, protocol 1), written to a file beside the fixture.</summary>
    public static string ReferenceSend(BtrfsFixture fixture, string snapshot)
    {
        string file = Path.Combine(fixture.Dir, $"reference-{Path.GetFileName(snapshot)}.stream");
        Shell.Run("btrfs", ["send", "-q", snapshot], file);
        return file;
    }

    /// <summary>
    /// <c>btrfs send</c> run again as the stream's header recorded it (protocol and flags included), quietly, written
    /// to a file beside the fixture.
    /// </summary>
    public static string ReferenceSend(BtrfsFixture fixture, StreamFacts sent)
    {
        string file = Path.Combine(fixture.Dir, $"reference-{sent.Snapshot.Name}.stream");
        Shell.Run("btrfs", ["send", "-q", .. sent.SendCommand.Skip(2)], file);
        return file;
    }

    /// <summary>The stream's chunks, in order, concatenated into one file.</summary>
    public static string Concatenate(string streamDir, Seal seal)
    {
        string file = Path.Combine(
            Path.GetDirectoryName(Path.GetDirectoryName(streamDir))!,
            $"spooled-{seal.Stream}.stream"
        );
        using FileStream output = File.Create(file);
        foreach (ChunkRecord chunk in seal.Chunks)
        {
            using FileStream input = File.OpenRead(Path.Combine(streamDir, chunk.Name));
            input.CopyTo(output);
        }

        return file;
    }

    public static Seal ReadSeal(string streamDir) =>
        SpoolFiles.Read(Path.Combine(streamDir, SpoolLayout.Seal), FormatJson.Default.Seal);

    public static StreamHeader ReadHeader(string streamDir) =>
        SpoolFiles.Read(Path.Combine(streamDir, SpoolLayout.Header), FormatJson.Default.StreamHeader);

    /// <summary><c>btrfs receive</c> of a stream file into a directory on the fixture's filesystem.</summary>
    public static void Receive(BtrfsFixture fixture, string streamFile, string into)
    {
        Directory.CreateDirectory(into);
        Shell.Run("btrfs", "receive", "-q", "-f", streamFile, into);
    }

    /// <summary>Fails unless the two trees hold the same paths, contents, modes, owners, symlinks, xattrs and hard
    /// links.</summary>
    /// <param name="skip">Paths below the roots left out of both, with what is below them.</param>
    public static void AssertSameTree(string expected, string actual, params string[] skip)
    {
        (int code, string output, string error) = Shell.TryRun(
            "python3",
            [
                SourceTree.File("scripts/compare-trees.py"),
                .. skip.SelectMany(s => new[] { "--skip", s }),
                expected,
                actual,
            ]
        );
        Assert.AreEqual(0, code, $"the received tree differs from the snapshot:\n{output}{error}");
    }

    public static void AssertSameBytes(string expectedFile, string actualFile)
    {
        (int code, string output, string error) = Shell.TryRun("cmp", [expectedFile, actualFile]);
        Assert.AreEqual(0, code, $"the spooled chunks are not the btrfs send stream: {output}{error}");
    }
}
