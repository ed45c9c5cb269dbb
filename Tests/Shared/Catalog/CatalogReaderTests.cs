using System.Text;
using BtrfsToS3.Shared.Catalog;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Tests.Shared.Catalog;

/// <summary>
/// The catalog's lines as docs/FORMAT.md's table has them, each read into its command; and every line that breaks the
/// table, or a catalog without its header or end, is bad data in one line naming the catalog, the line, the field and
/// its value.
/// </summary>
[TestClass]
public sealed class CatalogReaderTests
{
    [TestMethod]
    public void Open_Header_IsRead()
    {
        CatalogReader reader = CatalogText.Open(CatalogText.Full());

        Assert.AreEqual(new CatalogHeader("data", "data.20260101T000000Z", StreamKind.Full, 2), reader.Header);
        Assert.AreEqual(CatalogText.Name, reader.Name);
    }

    [TestMethod]
    public void Next_EveryOp_IsReadWithItsFields()
    {
        string[] lines =
        [
            """{"op":"mkfile","path":"f"}""",
            """{"op":"mkdir","path":"d"}""",
            """{"op":"mknod","path":"d/c","mode":8630,"rdev":259}""",
            """{"op":"mkfifo","path":"p"}""",
            """{"op":"mksock","path":"s"}""",
            """{"op":"symlink","path":"l","target":"../etc/passwd"}""",
            """{"op":"rename","path":"f","to":"d/g"}""",
            """{"op":"link","path":"h","target":"d/g"}""",
            """{"op":"unlink","path":"h"}""",
            """{"op":"rmdir","path":"e"}""",
            """{"op":"set_xattr","path":"","name":"user.a","value":"AAEC"}""",
            """{"op":"remove_xattr","path":"d/g","name":"user.a"}""",
            """{"op":"write","path":"d/g","offset":4096,"length":10000,"data":500,"piece":4096,"stride":4150}""",
            """{"op":"encoded_write","path":"d/g","offset":0,"unencoded_file_length":4096,"unencoded_length":8192,"unencoded_offset":4096,"compression":2,"encryption":0,"data":20000,"length":300}""",
            $$"""{"op":"clone","path":"d/g","offset":0,"length":4096,"source_uuid":"{{CatalogText.Uuid(0)}}","source_ctransid":100,"source_path":"d/g","source_offset":8192}""",
            """{"op":"truncate","path":"d/g","size":7}""",
            """{"op":"chmod","path":"","mode":493}""",
            """{"op":"chown","path":"d","uid":1000,"gid":100}""",
            """{"op":"utimes","path":"d","atime":[1,2],"mtime":[-3,4],"ctime":[5,999999999]}""",
            """{"op":"fallocate","path":"d/g","mode":3,"offset":0,"length":4096}""",
            """{"op":"fileattr","path":"d","attributes":16}""",
            """{"op":"enable_verity","path":"d/g","algorithm":1,"block_size":4096,"salt":"","signature":"AQ=="}""",
        ];

        IReadOnlyList<CatalogCommand> commands = CatalogText.Commands(CatalogText.Full(lines));

        Assert.HasCount(lines.Length + 1, commands);
        Assert.AreEqual(
            string.Join(", ", "subvol", string.Join(", ", lines.Select(l => l.Split('"')[3]))),
            string.Join(", ", commands.Select(c => c.Op))
        );
        var subvol = (SubvolumeCommand)commands[0];
        Assert.AreEqual(
            (2, CatalogText.Uuid(0), 100L, (string?)null),
            (subvol.Line, subvol.Uuid, subvol.Ctransid, subvol.CloneUuid)
        );
        var mknod = (CreateCommand)commands[3];
        Assert.AreEqual((InodeKind.CharDevice, 259L, "d/c"), (mknod.Kind, mknod.Rdev, mknod.Path.ToString()));
        Assert.AreEqual("../etc/passwd", ((CreateCommand)commands[6]).Target.ToString());
        Assert.AreEqual("d/g", ((RenameCommand)commands[7]).To.ToString());
        Assert.AreEqual("d/g", ((LinkCommand)commands[8]).Target.ToString());
        Assert.IsTrue(((RemoveCommand)commands[10]).Directory);
        var xattr = (SetXattrCommand)commands[11];
        Assert.IsTrue(xattr.Path.IsRoot);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 2 }, xattr.Value.ToArray());
        Assert.AreEqual(
            new WriteCommand(15, "write", ((WriteCommand)commands[13]).Path, 4096, 10000, 500, 4096, 4150),
            commands[13]
        );
        var encoded = (EncodedWriteCommand)commands[14];
        Assert.AreEqual(
            (4096L, 8192L, 4096L, 2, 20000L, 300L),
            (
                encoded.UnencodedFileLength,
                encoded.UnencodedLength,
                encoded.UnencodedOffset,
                encoded.Compression,
                encoded.Data,
                encoded.Length
            )
        );
        var clone = (CloneCommand)commands[15];
        Assert.AreEqual(
            (CatalogText.Uuid(0), 100L, "d/g", 8192L),
            (clone.SourceUuid, clone.SourceCtransid, clone.SourcePath.ToString(), clone.SourceOffset)
        );
        Assert.AreEqual(493, ((ChmodCommand)commands[17]).Mode);
        var utimes = (UtimesCommand)commands[19];
        Assert.AreEqual(
            (new InodeTime(1, 2), new InodeTime(-3, 4), new InodeTime(5, 999_999_999)),
            (utimes.Atime, utimes.Mtime, utimes.Ctime)
        );
        Assert.AreEqual(3, ((FallocateCommand)commands[20]).Mode);
        Assert.AreEqual(16L, ((FileattrCommand)commands[21]).Attributes);
        VeritySettings verity = ((EnableVerityCommand)commands[22]).Settings;
        Assert.AreEqual(
            (1, 4096L, 0, 1),
            (verity.Algorithm, verity.BlockSize, verity.Salt.Length, verity.Signature.Length)
        );
    }

    [TestMethod]
    public void Next_AfterTheEnd_ReturnsNullAndKeepsTheEnd()
    {
        CatalogReader reader = CatalogText.Open(CatalogText.Full());
        Assert.IsInstanceOfType<SubvolumeCommand>(reader.Next());

        Assert.IsNull(reader.Next());
        Assert.IsNull(reader.Next());
        Assert.AreEqual(new CatalogEnd(1000, 1_000_000_000), reader.End);
    }

    [TestMethod]
    public void Next_NamesNotUtf8_AreReadFromTheirB64Twins()
    {
        // "\xff" and "caf\xe9" (Latin-1): bytes no UTF-8 decoder takes.
        IReadOnlyList<CatalogCommand> commands = CatalogText.Commands(
            CatalogText.Full(
                """{"op":"mkfile","path_b64":"/w=="}""",
                """{"op":"rename","path_b64":"/w==","to_b64":"Y2Fm6Q=="}""",
                """{"op":"symlink","path":"l","target_b64":"/w=="}""",
                """{"op":"set_xattr","path":"l","name_b64":"/w==","value":""}"""
            )
        );

        Assert.AreEqual("\udcff", commands[1].Path.ToString());
        CollectionAssert.AreEqual(
            new byte[] { 0x63, 0x61, 0x66, 0xe9 },
            ((RenameCommand)commands[2]).To.Name.Bytes.ToArray()
        );
        Assert.AreEqual("caf\udce9", ((RenameCommand)commands[2]).To.ToString());
        Assert.AreEqual("\udcff", ((CreateCommand)commands[3]).Target.ToString());
        Assert.AreEqual(1, ((SetXattrCommand)commands[4]).Name.Length);
    }

    [TestMethod]
    public void Next_EscapedUtf8_IsTheSameName()
    {
        IReadOnlyList<CatalogCommand> commands = CatalogText.Commands(
            CatalogText.Full("""{"op":"mkfile","path":"d\u00e9j\u00e0/\ud83d\ude00"}""")
        );

        Assert.AreEqual("déjà/😀", commands[1].Path.ToString());
    }

    [TestMethod]
    [DataRow("""{"op":"frobnicate","path":"a"}""", "op \"frobnicate\" is not a catalog command")]
    [DataRow("""{"op":"mkfile"}""", "path null must be present")]
    [DataRow("""{"path":"a"}""", "op null must be present")]
    [DataRow("""{"op":"mkfile","path":"a/../../etc"}""", "path \"a/../../etc\" is not a relative path")]
    [DataRow("""{"op":"mkfile","path":"/etc/passwd"}""", "path \"/etc/passwd\" is not a relative path")]
    [DataRow("""{"op":"mkfile","path":"a//b"}""", "path \"a//b\" is not a relative path")]
    [DataRow("""{"op":"mkfile","path":"a/./b"}""", "path \"a/./b\" is not a relative path")]
    [DataRow("""{"op":"mkfile","path":"a\u0000b"}""", "path \"a\\u0000b\" is not a relative path")]
    [DataRow(
        """{"op":"mkfile","path":""}""",
        "path \"\" is not a relative path without empty, '.' or '..' parts, nor the top directory"
    )]
    [DataRow("""{"op":"rename","path":"a","to":".."}""", "to \"..\" is not a relative path")]
    [DataRow("""{"op":"mkfile","path":7}""", "path 7 must be a string")]
    [DataRow("""{"op":"truncate","path":"a","size":"7"}""", "size \"7\" must be an integer")]
    [DataRow("""{"op":"truncate","path":"a","size":-1}""", "size -1 is negative")]
    [DataRow("""{"op":"truncate","path":"a","size":1.5}""", "size \"1.5\" is not an integer of 64 bits")]
    [DataRow(
        """{"op":"truncate","path":"a","size":99999999999999999999}""",
        "size \"99999999999999999999\" is not an integer"
    )]
    [DataRow("""{"op":"truncate","path":"a","size":null}""", "size null must be an integer")]
    [DataRow("""{"op":"truncate","path":"a","size":1,"size":2}""", "size null appears twice")]
    [DataRow("""{"op":"mkfile","path":"a","size":1}""", "size 1 is not a field of mkfile")]
    [DataRow("""{"op":"mkfile","path":"a","colour":1}""", "field \"colour\" is not a catalog field")]
    [DataRow("""{"op":"mkfile","path":"a","path_b64":"YQ=="}""", "path_b64 \"YQ==\" and path are both present")]
    [DataRow("""{"op":"mkfile","path_b64":"!!"}""", "path_b64 \"!!\" is not base64")]
    [DataRow("""{"op":"chmod","path":"a","mode":4096}""", "mode 4096 is not from 0 to 4095")]
    [DataRow("""{"op":"mknod","path":"a","mode":420,"rdev":0}""", "mode 420 has no device, fifo or socket type bits")]
    [DataRow(
        """{"op":"utimes","path":"a","atime":[1],"mtime":[1,0],"ctime":[1,0]}""",
        "atime null must be [seconds, nanoseconds]"
    )]
    [DataRow(
        """{"op":"utimes","path":"a","atime":[1,1000000000],"mtime":[1,0],"ctime":[1,0]}""",
        "atime null must be [seconds, nanoseconds]"
    )]
    [DataRow(
        """{"op":"utimes","path":"a","atime":1,"mtime":[1,0],"ctime":[1,0]}""",
        "atime 1 must be [seconds, nanoseconds]"
    )]
    [DataRow("""{"op":"fallocate","path":"a","mode":2,"offset":0,"length":1}""", "mode 2 is not 0, 1 (keep size) or 3")]
    [DataRow("""{"op":"fallocate","path":"a","mode":0,"offset":0,"length":0}""", "length 0 must be 1 or more")]
    [DataRow(
        """{"op":"write","path":"a","offset":0,"length":10,"data":0,"piece":4}""",
        "stride null must be present where piece is"
    )]
    [DataRow(
        """{"op":"write","path":"a","offset":0,"length":10,"data":0,"piece":10,"stride":20}""",
        "piece 10 is not from 1 to length - 1"
    )]
    [DataRow(
        """{"op":"write","path":"a","offset":0,"length":10,"data":0,"piece":4,"stride":3}""",
        "stride 3 is less than piece"
    )]
    [DataRow(
        """{"op":"write","path":"a","offset":9223372036854775800,"length":10,"data":0}""",
        "length 10 reaches past byte 2^63 from offset"
    )]
    [DataRow(
        """{"op":"encoded_write","path":"a","offset":0,"unencoded_file_length":4096,"unencoded_length":4096,"unencoded_offset":1,"compression":1,"encryption":0,"data":0,"length":10}""",
        "unencoded_offset 1 and unencoded_file_length reach past unencoded_length"
    )]
    [DataRow(
        """{"op":"encoded_write","path":"a","offset":0,"unencoded_file_length":1,"unencoded_length":1,"unencoded_offset":0,"compression":8,"encryption":0,"data":0,"length":1}""",
        "compression 8 is not from 0 to 7"
    )]
    [DataRow(
        """{"op":"clone","path":"a","offset":0,"length":1,"source_uuid":"nope","source_ctransid":1,"source_path":"b","source_offset":0}""",
        "source_uuid \"nope\" is not a UUID"
    )]
    [DataRow("""{"op":"set_xattr","path":"a","name":"","value":""}""", "name \"\" is not an xattr name")]
    [DataRow(
        """{"op":"subvol","path":"x","uuid":"00000000-0000-0000-0000-000000000000","ctransid":1}""",
        "op \"subvol\" may only be the catalog's first line or the stream's first command"
    )]
    [DataRow("""{"op":"header"}""", "op \"header\" may only be the catalog's first line")]
    [DataRow("""["op","mkfile"]""", "the line is not a JSON object")]
    [DataRow("""{"op":"mkfile","path":"a"} x""", "the line is not a JSON object (")]
    [DataRow("""{"op":"mkfile","path":"a\ud800"}""", "path null is not valid UTF-8")]
    [DataRow("", "the line is not a JSON object (")]
    public void Next_LineBreakingTheTable_IsBadDataNamingLineFieldAndValue(string line, string problem)
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            CatalogText.Commands(CatalogText.Full("""{"op":"mkdir","path":"ok"}""", line))
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.StartsWith(failure.Message, $"{CatalogText.Name} line 4: {problem}");
        StringAssert.EndsWith(failure.Message, "; it is not trusted");
        Assert.DoesNotContain("\n", failure.Message);
    }

    [TestMethod]
    public void Next_HostileValue_IsShownEscapedAndCut()
    {
        string line = $$"""{"op":"mkfile","path":"../\u001b[31m{{new string('x', 300)}}"}""";

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Commands(CatalogText.Full(line)));

        StringAssert.StartsWith(failure.Message, $"{CatalogText.Name} line 3: path \"../\\u001b[31mxxx");
        StringAssert.Contains(failure.Message, "… (308 characters) is not a relative path");
    }

    [TestMethod]
    public void Open_Empty_IsBadData() =>
        Assert.AreEqual(
            $"{CatalogText.Name}: empty, without the catalog's header line; it is not trusted",
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Open("")).Message
        );

    [TestMethod]
    public void Open_NoHeader_IsBadData() =>
        Assert.AreEqual(
            $"{CatalogText.Name} line 1: op \"mkfile\" must be header, the catalog's first line; it is not trusted",
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Open("""{"op":"mkfile","path":"a"}""" + "\n")).Message
        );

    [TestMethod]
    [DataRow("\"format_version\":2", "\"format_version\":3", "format_version 3 is not 2")]
    [DataRow("btrfs_to_s3 catalog", "btrfs_to_s3 manifest", "catalog \"btrfs_to_s3 manifest\" is not")]
    [DataRow("\"subvolume\":\"data\"", "\"subvolume\":\"../data\"", "subvolume \"../data\" is not a subvolume name")]
    [DataRow(
        "data.20260101T000000Z",
        "other.20260101T000000Z",
        "stream \"other.20260101T000000Z\" is not a snapshot name of subvolume data"
    )]
    [DataRow("\"full\"", "\"differential\"", "kind \"differential\" is neither full nor incremental")]
    [DataRow("\"send_protocol\":2", "\"send_protocol\":3", "send_protocol 3 is not 1 or 2")]
    [DataRow("\"send_protocol\":2", "\"send_protocol\":2,\"path\":\"a\"", "path \"a\" is not a field of header")]
    public void Open_BadHeader_IsBadData(string valid, string broken, string problem)
    {
        string text = CatalogText.Full().Replace(valid, broken, StringComparison.Ordinal);

        StringAssert.StartsWith(
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Open(text)).Message,
            $"{CatalogText.Name} line 1: {problem}"
        );
    }

    [TestMethod]
    public void Next_NoEnd_IsBadData()
    {
        string text = CatalogText
            .Full("""{"op":"mkfile","path":"a"}""")
            .Replace(CatalogText.End + "\n", "", StringComparison.Ordinal);

        Assert.AreEqual(
            $"{CatalogText.Name}: ends after line 3 without its end line; it is not trusted",
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Commands(text)).Message
        );
    }

    [TestMethod]
    public void Next_LineAfterTheEnd_IsBadData()
    {
        string text = CatalogText.Full() + """{"op":"mkfile","path":"a"}""" + "\n";

        Assert.AreEqual(
            $"{CatalogText.Name} line 3: a line follows the end line; it is not trusted",
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Commands(text)).Message
        );
    }

    [TestMethod]
    public void Next_LastLineWithoutNewline_IsBadData()
    {
        string text = CatalogText.Full()[..^1];

        Assert.AreEqual(
            $"{CatalogText.Name} line 3: the catalog ends within it, without a newline; it is not trusted",
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Commands(text)).Message
        );
    }

    [TestMethod]
    public void Next_EndBeforeTheSubvol_IsBadData()
    {
        string text = CatalogText.Lines([CatalogText.Header("full", 0), CatalogText.End]);

        StringAssert.StartsWith(
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Commands(text)).Message,
            $"{CatalogText.Name} line 2: op \"end\" comes before the stream's subvol"
        );
    }

    [TestMethod]
    public void Next_IncrementalStartingWithSubvol_IsBadData()
    {
        string text = CatalogText
            .Full()
            .Replace("\"kind\":\"full\"", "\"kind\":\"incremental\"", StringComparison.Ordinal);

        StringAssert.StartsWith(
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Commands(text)).Message,
            $"{CatalogText.Name} line 2: op \"subvol\" must be snapshot, the first command of an incremental stream"
        );
    }

    [TestMethod]
    public void Next_WriteDataPastTheStreamsEnd_IsBadData()
    {
        string text = CatalogText.Full(
            """{"op":"mkfile","path":"a"}""",
            """{"op":"write","path":"a","offset":0,"length":10000,"data":999999000,"piece":4096,"stride":4200}"""
        );

        StringAssert.StartsWith(
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Commands(text)).Message,
            $"{CatalogText.Name} line 5: stream_bytes 1000000000 is less than the end of a write's data, stream byte 1000009208"
        );
    }

    [TestMethod]
    public void Next_LineLongerThanTheLimit_IsBadData()
    {
        string line =
            $$"""{"op":"set_xattr","path":"a","name":"user.a","value":"{{new string('A', CatalogReader.MaxLineBytes)}}"}""";

        StringAssert.StartsWith(
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Commands(CatalogText.Full(line))).Message,
            $"{CatalogText.Name} line 3: longer than 1048576 bytes"
        );
    }

    [TestMethod]
    public void Next_LongLineWithinTheLimit_IsRead()
    {
        string value = Convert.ToBase64String(new byte[64 * 1024]);
        string line = $$"""{"op":"set_xattr","path":"a","name":"user.a","value":"{{value}}"}""";

        var command = (SetXattrCommand)CatalogText.Commands(CatalogText.Full(line))[1];

        Assert.HasCount(64 * 1024, command.Value);
    }

    [TestMethod]
    public void Next_StreamThatReadsByteByByte_ReadsTheSameCommands()
    {
        string text = CatalogText.Full("""{"op":"mkfile","path":"a"}""", """{"op":"truncate","path":"a","size":3}""");

        var reader = CatalogReader.Open(new TrickleStream(Encoding.UTF8.GetBytes(text)), "trickle");

        Assert.IsInstanceOfType<SubvolumeCommand>(reader.Next());
        Assert.IsInstanceOfType<CreateCommand>(reader.Next());
        Assert.AreEqual(3L, ((TruncateCommand)reader.Next()!).Size);
        Assert.IsNull(reader.Next());
    }

    /// <summary>A stream that hands out one byte per read, as a pipe may.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
    }
}
