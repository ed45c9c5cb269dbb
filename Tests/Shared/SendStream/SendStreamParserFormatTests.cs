using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.SendStream;
using static BtrfsToS3.Tests.Shared.SendStream.SyntheticStream;

namespace BtrfsToS3.Tests.Shared.SendStream;

/// <summary>The parser on streams written by hand: protocol 3, which no kernel here sends, and structure no kernel
/// writes, each refused with the offset and what is wrong.</summary>
[TestClass]
public sealed class SendStreamParserFormatTests
{
    [TestMethod]
    public void Feed_EnableVerityInVersion3_DecodesItsAttributes()
    {
        byte[] stream = new SyntheticStream(3)
            .Subvol()
            .Command(
                SendCommandKind.EnableVerity,
                (SendAttributeKind.Path, Text("f")),
                (SendAttributeKind.VerityAlgorithm, [1]),
                (SendAttributeKind.VerityBlockSize, U32(4096)),
                (SendAttributeKind.VeritySaltData, [9, 8]),
                (SendAttributeKind.VeritySigData, [])
            )
            .End()
            .ToArray();

        SendCommand verity = CollectingSink.Parse(stream)[1];

        Assert.AreEqual(SendCommandKind.EnableVerity, verity.Kind);
        Assert.AreEqual((byte)1, verity.VerityAlgorithm);
        Assert.AreEqual(4096u, verity.VerityBlockSize);
        CollectionAssert.AreEqual(new byte[] { 9, 8 }, verity.VeritySalt.ToArray());
        Assert.IsTrue(verity.Has(SendAttributeKind.VeritySigData));
        Assert.AreEqual(0, verity.VeritySignature.Length);
    }

    [TestMethod]
    public void Feed_EnableVerityInVersion2_IsUnknown()
    {
        byte[] stream = new SyntheticStream(2)
            .Subvol()
            .Command(SendCommandKind.EnableVerity, (SendAttributeKind.Path, Text("f")))
            .ToArray();

        AssertFails(stream, "send stream: command at offset 67 has type 26, unknown to protocol version 2");
    }

    [TestMethod]
    public void Feed_UnknownCommandNumber_Fails() =>
        AssertFails(
            new SyntheticStream(2).Subvol().Raw(99, []).ToArray(),
            "send stream: command at offset 67 has type 99, unknown to protocol version 2"
        );

    [TestMethod]
    public void Feed_Version2AttributeInVersion1_IsUnknown() =>
        AssertFails(
            new SyntheticStream(1)
                .Subvol()
                .Command(
                    SendCommandKind.Truncate,
                    (SendAttributeKind.Path, Text("f")),
                    (SendAttributeKind.Fileattr, U64(1))
                )
                .ToArray(),
            "send stream: command at offset 67 (truncate) has an attribute of type 26 at offset 82, unknown to protocol version 1"
        );

    [TestMethod]
    public void Feed_FixedSizeAttributeOfAnotherLength_Fails() =>
        AssertFails(
            new SyntheticStream(1)
                .Subvol()
                .Command(SendCommandKind.Truncate, (SendAttributeKind.Path, Text("f")), (SendAttributeKind.Size, [1]))
                .ToArray(),
            "send stream: command at offset 67 (truncate) has its size attribute at offset 82 1 bytes long, its type takes 8"
        );

    [TestMethod]
    public void Feed_AttributePastTheCommandsEnd_Fails()
    {
        // A path claiming 200 bytes in a command of 7.
        byte[] payload = [.. U16((ushort)SendAttributeKind.Path), .. U16(200), .. Text("abc")];

        AssertFails(
            new SyntheticStream(1).Subvol().Raw((ushort)SendCommandKind.Unlink, payload).ToArray(),
            "send stream: command at offset 67 (unlink) has its path attribute at offset 77 claim 200 bytes, past the command's end (3 bytes left)"
        );
    }

    [TestMethod]
    public void Feed_AttributeHeaderCutByTheCommandsEnd_Fails() =>
        AssertFails(
            new SyntheticStream(1)
                .Subvol()
                .Raw((ushort)SendCommandKind.Unlink, U16((ushort)SendAttributeKind.Path))
                .ToArray(),
            "send stream: command at offset 67 (unlink) ends inside the header of its path attribute at offset 77"
        );

    [TestMethod]
    public void Feed_AttributeTwice_Fails() =>
        AssertFails(
            new SyntheticStream(1)
                .Subvol()
                .Command(
                    SendCommandKind.Unlink,
                    (SendAttributeKind.Path, Text("a")),
                    (SendAttributeKind.Path, Text("b"))
                )
                .ToArray(),
            "send stream: command at offset 67 (unlink) has a second path attribute at offset 82"
        );

    [TestMethod]
    public void Feed_RequiredAttributeMissing_Fails() =>
        AssertFails(
            new SyntheticStream(1)
                .Subvol()
                .Command(
                    SendCommandKind.Write,
                    (SendAttributeKind.Path, Text("a")),
                    (SendAttributeKind.FileOffset, U64(0))
                )
                .ToArray(),
            "send stream: command at offset 67 (write) lacks its data attribute"
        );

    [TestMethod]
    public void Feed_FirstCommandNotASubvolume_Fails() =>
        AssertFails(
            new SyntheticStream(1).End().ToArray(),
            "send stream: the first command, at offset 17, is end, not subvol or snapshot"
        );

    [TestMethod]
    public void Feed_SecondSubvolume_Fails() =>
        AssertFails(
            new SyntheticStream(1).Subvol().Subvol().ToArray(),
            "send stream: command at offset 67 (subvol) starts a second subvolume; a stream holds one"
        );

    [TestMethod]
    public void Feed_WrongCrc_FailsWithBothValues() =>
        AssertFails(
            new SyntheticStream(1).Subvol().Raw((ushort)SendCommandKind.End, [], crc: 0x12345678).ToArray(),
            "send stream: command at offset 67 (end) fails its CRC-32C (stored 12345678, computed "
        );

    [TestMethod]
    [DataRow(0u)]
    [DataRow(4u)]
    public void Feed_UnknownVersion_Fails(uint version)
    {
        byte[] stream = new SyntheticStream(1).End().ToArray();
        BitConverter.TryWriteBytes(stream.AsSpan(13), version);

        AssertFails(stream, $"send stream: protocol version {version} at offset 13, this reader knows 1 to 3");
    }

    [TestMethod]
    public void Finish_EmptyStream_Fails()
    {
        var parser = new SendStreamParser(new CollectingSink());

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(parser.Finish);

        Assert.AreEqual("send stream: the stream is empty", failure.Message);
    }

    [TestMethod]
    public void Finish_InsideTheStreamHeader_Fails() =>
        Assert.AreEqual(
            "send stream: the stream ends at offset 5 inside its 17-byte header",
            Assert.ThrowsExactly<BackupFailure>(() => CollectingSink.Parse("btrfs"u8.ToArray())).Message
        );

    [TestMethod]
    public void Finish_InsideACommandHeader_Fails() =>
        Assert.AreEqual(
            "send stream: the stream ends at offset 72 inside the header of a command at offset 67",
            Assert
                .ThrowsExactly<BackupFailure>(() =>
                    CollectingSink.Parse(new SyntheticStream(1).Subvol().Bytes(1, 2, 3, 4, 5).ToArray())
                )
                .Message
        );

    [TestMethod]
    public void Feed_AfterAFailure_TakesNoMoreInput()
    {
        var parser = new SendStreamParser(new CollectingSink());
        _ = Assert.ThrowsExactly<BackupFailure>(() => parser.Feed(new byte[17]));

        _ = Assert.ThrowsExactly<InvalidOperationException>(() => parser.Feed(new byte[1]));
    }

    [TestMethod]
    public void Feed_Version1DataBeforeAnotherAttribute_IsReadInPlace()
    {
        // v1 data has a length field, so nothing but the kernel's habit puts it last.
        byte[] stream = new SyntheticStream(1)
            .Subvol()
            .Command(
                SendCommandKind.Write,
                (SendAttributeKind.Data, [1, 2, 3]),
                (SendAttributeKind.Path, Text("a")),
                (SendAttributeKind.FileOffset, U64(4096))
            )
            .End()
            .ToArray();

        SendCommand write = CollectingSink.Parse(stream, [1])[1];

        Assert.AreEqual(new SendDataRange(67 + 10 + 4, 3), write.Data);
        Assert.AreEqual("a", write.Path);
        Assert.AreEqual(4096UL, write.FileOffset);
    }

    [TestMethod]
    public void Feed_Version2EmptyDataAtTheBlocksEnd_CompletesTheCommand()
    {
        // Data of no bytes ends the command with its type: nothing may stay pending for the next block.
        SyntheticStream stream = new SyntheticStream(2)
            .Subvol()
            .Command(
                SendCommandKind.Write,
                (SendAttributeKind.Path, Text("a")),
                (SendAttributeKind.FileOffset, U64(0)),
                (SendAttributeKind.Data, [])
            );
        var sink = new CollectingSink();
        var parser = new SendStreamParser(sink);

        parser.Feed(stream.ToArray());

        Assert.HasCount(2, sink.Commands);
        Assert.AreEqual(0, sink.Commands[1].Data.Length);
    }

    [TestMethod]
    public void Feed_EncodedWriteWithoutCompression_ReadsItAsZero()
    {
        byte[] stream = new SyntheticStream(2)
            .Subvol()
            .Command(
                SendCommandKind.EncodedWrite,
                (SendAttributeKind.Path, Text("a")),
                (SendAttributeKind.FileOffset, U64(0)),
                (SendAttributeKind.UnencodedFileLength, U64(8192)),
                (SendAttributeKind.UnencodedLength, U64(8192)),
                (SendAttributeKind.UnencodedOffset, U64(0)),
                (SendAttributeKind.Data, new byte[100])
            )
            .End()
            .ToArray();

        SendCommand write = CollectingSink.Parse(stream, [3])[1];

        Assert.IsFalse(write.Has(SendAttributeKind.Compression));
        Assert.AreEqual(0u, write.Compression);
        Assert.AreEqual(100, write.Data.Length);
        Assert.AreEqual(stream.Length - 10 - 100, write.Data.StreamOffset);
    }

    [TestMethod]
    public void Feed_PathNotUtf8_DecodesLosslessly()
    {
        byte[] name = [0x66, 0xff, 0xc3];
        byte[] stream = new SyntheticStream(1)
            .Subvol()
            .Command(SendCommandKind.Unlink, (SendAttributeKind.Path, name))
            .End()
            .ToArray();

        SendCommand unlink = CollectingSink.Parse(stream)[1];

        Assert.AreEqual("f\udcff\udcc3", unlink.Path);
        CollectionAssert.AreEqual(name, LosslessUtf8.Encode(unlink.Path!));
    }

    private static void AssertFails(byte[] stream, string messageStart)
    {
        foreach (int[] blocks in new[] { new[] { stream.Length }, [1], [3] })
        {
            BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => CollectingSink.Parse(stream, blocks));

            Assert.AreEqual(FailureKind.BadData, failure.Kind);
            StringAssert.StartsWith(failure.Message, messageStart, $"fed in blocks of {blocks[0]}");
        }
    }
}
