using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.SendStream;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.SendStream;

/// <summary>
/// The parser on real streams: a tree with every kind of change made on a loopback btrfs (mounted compress=zstd),
/// sent whole and incrementally in protocols 1 and 2 (the latter with --compressed-data), each parse compared with
/// <c>btrfs receive --dump</c> of the same stream, in blocks of every size.
/// </summary>
[TestClass]
public sealed class SendStreamParserTests
{
    // "full" makes the first tree, "change" changes it: writes at offsets, overwrite, append, truncate, punched holes,
    // a sparse file, reflinks, renames of files and a directory (over an existing name too), hard links, unlink,
    // symlinks, a FIFO, device nodes, chmod, chown, xattrs set and removed, rmdir, odd names (a space, UTF-8, a byte
    // that is not UTF-8) and a time with nanoseconds.
    private const string TreeScript = """
        set -euo pipefail
        cd "$2"
        case $1 in
        full)
          head -c 300000 /dev/urandom > random.bin
          printf 'a compressible line of text\n%.0s' $(seq 1 15000) > compressible.txt
          dd if=/dev/urandom of=offsets.bin bs=4096 seek=10 count=3 status=none
          printf 'tail' | dd of=offsets.bin bs=1 seek=200000 conv=notrunc status=none
          truncate -s 5M sparse.img
          printf 'x' | dd of=sparse.img bs=1 seek=3000000 conv=notrunc status=none
          head -c 1048576 /dev/urandom > punched.bin
          fallocate -p -o 65536 -l 131072 punched.bin
          cp --reflink=always random.bin reflink.bin
          mkdir -p dir/sub/deep to-rmdir
          echo a > dir/a; echo b > dir/sub/b; echo c > dir/sub/deep/c
          echo hl > hardlinked; ln hardlinked dir/hardlink2
          ln -s random.bin symlink
          printf 'odd' > 'dir/odd name é'
          ln -s 'dir/odd name é' odd-symlink
          printf 'bad' > $'bad\xffname'
          mkfifo fifo; mknod chardev c 1 3; mknod blockdev b 7 200
          chmod 0600 dir/a; chmod 4755 dir/sub/b; chown 1234:5678 dir/sub/b
          setfattr -n user.color -v blue random.bin
          setfattr -n user.empty dir
          echo gone > to-unlink; echo over > over-src; echo target > over-dst
          touch -d '2001-02-03 04:05:06.123456789' dir/sub/deep/c
          ;;
        change)
          printf 'OVERWRITE' | dd of=random.bin bs=1 seek=1000 conv=notrunc status=none
          head -c 70000 /dev/urandom >> offsets.bin
          fallocate -p -o 45056 -l 4096 offsets.bin
          truncate -s 100000 punched.bin
          cp --reflink=always random.bin dir/reflink2.bin
          mv dir renamed-dir
          mv over-src over-dst
          ln random.bin hardlink-new
          rm to-unlink; rmdir to-rmdir
          rm symlink; ln -s compressible.txt symlink
          chmod 0640 compressible.txt; chown 42:43 hardlinked
          setfattr -n user.color -v red random.bin
          setfattr -x user.empty renamed-dir
          setfattr -n user.new -v v renamed-dir/a
          mknod newdev c 1 5
          echo appended >> compressible.txt
          ;;
        esac
        sync
        """;

    private static readonly byte[] BadName = [.. "bad"u8, 0xff, .. "name"u8];
    private static BtrfsFixture _fx = null!;
    private static readonly Dictionary<string, byte[]> Streams = [];
    private static readonly Dictionary<string, string> StreamFiles = [];

    [ClassInitialize]
    public static void MakeStreams(TestContext context)
    {
        _fx = BtrfsFixture.Create(dataMiB: 1);
        try
        {
            Shell.Run("mount", "-o", "remount,compress=zstd", _fx.Mount);
            string tree = _fx.Subvolume("tree");
            string script = Path.Combine(_fx.Dir, "tree.sh");
            File.WriteAllText(script, TreeScript);
            Shell.Run("btrfs", "-q", "subvolume", "create", tree);
            Shell.Run("env", "TZ=UTC", "bash", script, "full", tree);
            Shell.Run("btrfs", "-q", "subvolume", "snapshot", "-r", tree, _fx.Subvolume("s1"));
            Shell.Run("env", "TZ=UTC", "bash", script, "change", tree);
            Shell.Run("btrfs", "-q", "subvolume", "snapshot", "-r", tree, _fx.Subvolume("s2"));
            string[] v2 = ["--proto", "2", "--compressed-data"];
            Send("full-v1", ["--proto", "1", _fx.Subvolume("s1")]);
            Send("full-v2", [.. v2, _fx.Subvolume("s1")]);
            Send("incremental-v1", ["--proto", "1", "-p", _fx.Subvolume("s1"), _fx.Subvolume("s2")]);
            Send("incremental-v2", [.. v2, "-p", _fx.Subvolume("s1"), _fx.Subvolume("s2")]);
        }
        catch
        {
            _fx.Dispose();
            throw;
        }
    }

    [ClassCleanup]
    public static void RemoveStreams() => _fx?.Dispose();

    [TestMethod]
    [DataRow("full-v1")]
    [DataRow("full-v2")]
    [DataRow("incremental-v1")]
    [DataRow("incremental-v2")]
    public void Feed_RealStream_MatchesReceiveDump(string stream)
    {
        string[] expected = ReceiveDump.Of(StreamFiles[stream]);

        string[] actual = ReceiveDump.Render(CollectingSink.Parse(Streams[stream]));

        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            Assert.AreEqual(expected[i], actual[i], $"line {i + 1} of {stream}'s dump");
        }

        Assert.HasCount(expected.Length, actual, $"{stream}: the dump's lines");
    }

    [TestMethod]
    [DataRow("full-v1")]
    [DataRow("full-v2")]
    [DataRow("incremental-v1")]
    [DataRow("incremental-v2")]
    public void Feed_RealStreamInBlocksOfAnySize_GivesTheSameCommands(string stream)
    {
        byte[] bytes = Streams[stream];
        string[] whole = [.. CollectingSink.Parse(bytes).Select(ReceiveDump.Describe)];
        var random = new Random(stream.GetHashCode(StringComparison.Ordinal));
        int[][] blockSizes =
        [
            [1],
            [7],
            [4096],
            [1024 * 1024],
            [.. Enumerable.Range(0, 100_000).Select(_ => random.Next(1, 70_000))],
        ];

        foreach (int[] sizes in blockSizes)
        {
            string[] pieces = [.. CollectingSink.Parse(bytes, sizes).Select(ReceiveDump.Describe)];

            CollectionAssert.AreEqual(whole, pieces, $"{stream} fed in blocks of {sizes[0]} (first) bytes");
        }
    }

    [TestMethod]
    public void Feed_RealStreams_CarryEveryKindTheTreeMade()
    {
        HashSet<SendCommandKind> full = [.. CollectingSink.Parse(Streams["full-v1"]).Select(c => c.Kind)];
        HashSet<SendCommandKind> fullV2 = [.. CollectingSink.Parse(Streams["full-v2"]).Select(c => c.Kind)];
        HashSet<SendCommandKind> incremental = [.. CollectingSink.Parse(Streams["incremental-v1"]).Select(c => c.Kind)];
        HashSet<SendCommandKind> incrementalV2 =
        [
            .. CollectingSink.Parse(Streams["incremental-v2"]).Select(c => c.Kind),
        ];

        SendCommandKind[] inFull =
        [
            SendCommandKind.Subvol,
            SendCommandKind.Mkfile,
            SendCommandKind.Mkdir,
            SendCommandKind.Mknod,
            SendCommandKind.Mkfifo,
            SendCommandKind.Symlink,
            SendCommandKind.Rename,
            SendCommandKind.Link,
            SendCommandKind.SetXattr,
            SendCommandKind.Write,
            SendCommandKind.Clone,
            SendCommandKind.Truncate,
            SendCommandKind.Chmod,
            SendCommandKind.Chown,
            SendCommandKind.Utimes,
            SendCommandKind.End,
        ];
        SendCommandKind[] inIncremental =
        [
            SendCommandKind.Snapshot,
            SendCommandKind.Unlink,
            SendCommandKind.Rmdir,
            SendCommandKind.Rename,
            SendCommandKind.Link,
            SendCommandKind.RemoveXattr,
            SendCommandKind.SetXattr,
            SendCommandKind.Write,
            SendCommandKind.Clone,
            SendCommandKind.Truncate,
            SendCommandKind.End,
        ];
        CollectionAssert.IsSubsetOf(inFull, full.ToArray());
        CollectionAssert.Contains(fullV2.ToArray(), SendCommandKind.EncodedWrite);
        CollectionAssert.IsSubsetOf(inIncremental, incremental.ToArray());
        // The hole punched in offsets.bin: protocol 2 sends it as fallocate (v1 as a write of zeros).
        CollectionAssert.Contains(incrementalV2.ToArray(), SendCommandKind.Fallocate);
    }

    [TestMethod]
    [DataRow("full-v1", 1)]
    [DataRow("full-v2", 2)]
    [DataRow("incremental-v2", 2)]
    public void Version_AfterTheHeader_IsTheStreams(string stream, int version)
    {
        var parser = new SendStreamParser(new CollectingSink());
        Assert.AreEqual(0, parser.Version);

        parser.Feed(Streams[stream].AsSpan(0, 17));

        Assert.AreEqual(version, parser.Version);
    }

    [TestMethod]
    [DataRow("full-v1")]
    [DataRow("full-v2")]
    public void Feed_FullStream_DataRangesHoldTheFileContent(string stream)
    {
        byte[] bytes = Streams[stream];
        byte[] expected = File.ReadAllBytes(Path.Combine(_fx.Subvolume("s1"), "random.bin"));

        List<SendCommand> writes = CollectingSink
            .Parse(bytes)
            .Where(c => c.Kind == SendCommandKind.Write && c.Path == "random.bin")
            .OrderBy(c => c.FileOffset)
            .ToList();

        var content = new List<byte>();
        foreach (SendCommand write in writes)
        {
            Assert.AreEqual((ulong)content.Count, write.FileOffset, "the writes cover the file from its start");
            content.AddRange(bytes.AsSpan((int)write.Data.StreamOffset, write.Data.Length).ToArray());
        }

        CollectionAssert.AreEqual(expected, content.ToArray());
    }

    [TestMethod]
    public void Feed_FullStreamV2_EncodedWriteDataIsAZstdFrameOfTheExtent()
    {
        // btrfs's zstd extents are one zstd frame each (RFC 8878), zero-padded to the sector: the data range must
        // start at the frame's magic, and the content the frame header declares must hold the range the file uses
        // (unencoded_offset + unencoded_file_len) within the extent's unencoded_len (the last extent's content stops
        // at the file's end, short of its sector).
        byte[] bytes = Streams["full-v2"];

        List<SendCommand> writes = CollectingSink
            .Parse(bytes)
            .Where(c => c.Kind == SendCommandKind.EncodedWrite && c.Path == "compressible.txt")
            .ToList();

        Assert.IsNotEmpty(writes);
        foreach (SendCommand write in writes)
        {
            ReadOnlySpan<byte> frame = bytes.AsSpan((int)write.Data.StreamOffset, write.Data.Length);
            Assert.AreEqual(2u, write.Compression, "zstd");
            Assert.IsTrue(frame.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]), "the zstd magic");
            ulong content = ZstdContentSize(frame);
            Assert.IsTrue(
                write.UnencodedOffset + write.UnencodedFileLength <= content && content <= write.UnencodedLength,
                $"the frame at file offset {write.FileOffset} holds {content} bytes"
            );
        }
    }

    [TestMethod]
    public void Feed_FullStream_KeepsNanosecondsAndOwners()
    {
        SendCommand times = CollectingSink
            .Parse(Streams["full-v1"])
            .Last(c => c.Kind == SendCommandKind.Utimes && c.Path == "dir/sub/deep/c");
        SendCommand owner = CollectingSink
            .Parse(Streams["full-v1"])
            .Last(c => c.Kind == SendCommandKind.Chown && c.Path == "dir/sub/b");

        // touch -d '2001-02-03 04:05:06.123456789' in UTC.
        Assert.AreEqual(new SendTimestamp(981173106, 123456789), times.Mtime);
        Assert.AreEqual((1234UL, 5678UL), (owner.Uid, owner.Gid));
    }

    [TestMethod]
    public void Feed_OddNames_DecodeToTheirExactBytes()
    {
        string[] paths = [.. CollectingSink.Parse(Streams["full-v1"]).Select(c => c.PathTo).OfType<string>()];

        string bad = paths.Single(p => p.StartsWith("bad", StringComparison.Ordinal));
        CollectionAssert.AreEqual(BadName, LosslessUtf8.Encode(bad));
        CollectionAssert.Contains(paths, "dir/odd name é");
    }

    [TestMethod]
    public void Feed_RepeatedPaths_ShareOneString()
    {
        List<SendCommand> writes = CollectingSink
            .Parse(Streams["full-v1"])
            .Where(c => c.Kind == SendCommandKind.Write && c.Path == "random.bin")
            .ToList();

        Assert.IsGreaterThan(2, writes.Count);
        Assert.IsTrue(writes.All(w => ReferenceEquals(w.Path, writes[0].Path)), "each write decoded its path anew");
    }

    [TestMethod]
    [DataRow("full-v1")]
    [DataRow("full-v2")]
    public void Feed_FlippedDataByte_FailsTheCommandsCrc(string stream)
    {
        byte[] bytes = (byte[])Streams[stream].Clone();
        SendCommand write = CollectingSink.Parse(bytes).First(c => c.Data.Length > 1000);
        bytes[write.Data.StreamOffset + 500] ^= 0x01;

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => CollectingSink.Parse(bytes));

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.StartsWith(
            failure.Message,
            $"send stream: command at offset {write.StreamOffset} ({SendProtocol.Name(write.Kind)}) fails its CRC-32C"
        );
    }

    [TestMethod]
    public void Finish_StreamCutInsideAWrite_FailsNamingTheCommand()
    {
        byte[] bytes = Streams["full-v1"];
        SendCommand write = CollectingSink.Parse(bytes).First(c => c.Kind == SendCommandKind.Write);
        long cut = write.Data.StreamOffset + 10;
        var parser = new SendStreamParser(new CollectingSink());
        parser.Feed(bytes.AsSpan(0, (int)cut));

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(parser.Finish);

        Assert.AreEqual(
            $"send stream: the stream ends at offset {cut} inside command at offset {write.StreamOffset} (write)",
            failure.Message
        );
    }

    [TestMethod]
    public void Finish_StreamCutBetweenCommands_FailsForTheMissingEnd()
    {
        byte[] bytes = Streams["full-v1"];
        SendCommand command = CollectingSink.Parse(bytes)[5];

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            CollectingSink.Parse(bytes[..(int)command.StreamOffset])
        );

        Assert.AreEqual(
            $"send stream: the stream ends at offset {command.StreamOffset} without its end command",
            failure.Message
        );
    }

    [TestMethod]
    public void Feed_BadMagic_FailsAtOffsetZero()
    {
        byte[] bytes = (byte[])Streams["full-v1"].Clone();
        bytes[0] = (byte)'B';

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => CollectingSink.Parse(bytes));

        StringAssert.StartsWith(failure.Message, "send stream: offset 0 holds no \"btrfs-stream\" magic");
    }

    [TestMethod]
    [DataRow("full-v1", 65536u - 10 + 1, 65536)]
    [DataRow("full-v2", 16u * 1024 * 1024 - 10 + 1, 16 * 1024 * 1024)]
    public void Feed_CommandLengthPastTheCap_FailsBeforeReadingIt(string stream, uint length, int cap)
    {
        byte[] bytes = (byte[])Streams[stream].Clone();
        SendCommand write = CollectingSink.Parse(bytes).First(c => c.Kind == SendCommandKind.Write);
        BitConverter.TryWriteBytes(bytes.AsSpan((int)write.StreamOffset, 4), length);

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => CollectingSink.Parse(bytes));

        Assert.AreEqual(
            $"send stream: command at offset {write.StreamOffset} (write) claims {length} bytes, past the {cap} bytes protocol version {(stream.EndsWith("v1", StringComparison.Ordinal) ? 1 : 2)} allows a command",
            failure.Message
        );
    }

    [TestMethod]
    public void Feed_BytesAfterTheEnd_Fail()
    {
        byte[] bytes = [.. Streams["full-v1"], 0];
        SendCommand end = CollectingSink.Parse(Streams["full-v1"])[^1];

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => CollectingSink.Parse(bytes));

        Assert.AreEqual(SendCommandKind.End, end.Kind);
        Assert.AreEqual(
            $"send stream: 1 more bytes at offset {bytes.Length - 1} follow the end command at offset {end.StreamOffset}",
            failure.Message
        );
    }

    /// <summary>The content size a zstd frame header declares (RFC 8878, 3.1.1.1), or 0 when it declares
    /// none.</summary>
    private static ulong ZstdContentSize(ReadOnlySpan<byte> frame)
    {
        byte descriptor = frame[4];
        int sizeFlag = descriptor >> 6;
        bool singleSegment = (descriptor & 0x20) != 0;
        int dictionaryIdLength = (descriptor & 3) switch
        {
            0 => 0,
            1 => 1,
            2 => 2,
            _ => 4,
        };
        int at = 5 + (singleSegment ? 0 : 1) + dictionaryIdLength;
        return sizeFlag switch
        {
            0 => singleSegment ? frame[at] : 0UL,
            1 => BitConverter.ToUInt16(frame[at..]) + 256UL,
            2 => BitConverter.ToUInt32(frame[at..]),
            _ => BitConverter.ToUInt64(frame[at..]),
        };
    }

    private static void Send(string name, string[] arguments)
    {
        string file = Path.Combine(_fx.Dir, name + ".stream");
        Shell.Run("btrfs", ["send", "-q", .. arguments], file);
        StreamFiles[name] = file;
        Streams[name] = File.ReadAllBytes(file);
    }
}
