using System.Buffers;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Crypto;

[TestClass]
public sealed class AgeEncryptorTests
{
    private const int Segment = 64 * 1024;

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(Segment - 1)]
    [DataRow(Segment)]
    [DataRow(Segment + 1)]
    [DataRow(3 * Segment)]
    [DataRow(1_048_583)]
    public void Write_OneRecipient_DecryptsToTheSameBytes(int size)
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] plaintext = AgeFiles.Plaintext(size);

        byte[] file = AgeFiles.Encrypt(plaintext, identity.Recipient);

        CollectionAssert.AreEqual(plaintext, AgeFiles.Decrypt(file, identity));
        Assert.HasCount(checked((int)AgeEncryptor.MaxSize(size, 1)), file);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(Segment - 1)]
    [DataRow(Segment)]
    [DataRow(Segment + 1)]
    [DataRow(3 * Segment)]
    [DataRow(1_048_583)]
    public void Write_TwoRecipients_EachIdentityDecrypts(int size)
    {
        AgeIdentity first = AgeIdentity.Generate();
        AgeIdentity second = AgeIdentity.Generate();
        byte[] plaintext = AgeFiles.Plaintext(size);

        byte[] file = AgeFiles.Encrypt(plaintext, first.Recipient, second.Recipient);

        CollectionAssert.AreEqual(plaintext, AgeFiles.Decrypt(file, first));
        CollectionAssert.AreEqual(plaintext, AgeFiles.Decrypt(file, second));
        Assert.HasCount(checked((int)AgeEncryptor.MaxSize(size, 2)), file);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(Segment)]
    [DataRow(3 * Segment + 12345)]
    public void Write_ToAgeKeygenKeyAndOurs_AgeDecryptsWithEither(int size)
    {
        using var dir = new TempDirectory("age");
        (string keygenFile, string keygenRecipient) = AgeTool.Keygen(dir, "keygen.txt");
        AgeIdentity ours = AgeIdentity.Generate();
        string ourFile = dir.Write("ours.txt", ours.ToSecretText() + "\n");
        byte[] plaintext = AgeFiles.Plaintext(size);

        byte[] file = AgeFiles.Encrypt(plaintext, AgeRecipient.Parse(keygenRecipient), ours.Recipient);

        CollectionAssert.AreEqual(plaintext, AgeTool.Decrypt(dir, file, keygenFile));
        CollectionAssert.AreEqual(plaintext, AgeTool.Decrypt(dir, file, ourFile));
    }

    [TestMethod]
    public void Write_ExactlyOneSegment_HoldsItBackUntilMoreArrives()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        var output = new ArrayBufferWriter<byte>();
        using var encryptor = new AgeEncryptor([identity.Recipient]);
        long headerAndNonce = AgeEncryptor.MaxSize(0, 1) - 16;

        encryptor.Write(new byte[Segment], output);
        Assert.AreEqual(headerAndNonce, output.WrittenCount, "a full segment may be the final one");

        encryptor.Write(new byte[1], output);
        Assert.AreEqual(
            headerAndNonce + Segment + 16,
            output.WrittenCount,
            "the full segment is not the final one any more"
        );

        encryptor.Finish(output);
        Assert.AreEqual(AgeEncryptor.MaxSize(Segment + 1, 1), output.WrittenCount);
    }

    [TestMethod]
    public void Write_SamePlaintextTwice_GivesDifferentFiles()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] plaintext = AgeFiles.Plaintext(1000);

        byte[] one = AgeFiles.Encrypt(plaintext, identity.Recipient);
        byte[] two = AgeFiles.Encrypt(plaintext, identity.Recipient);

        Assert.HasCount(one.Length, two);
        Assert.IsFalse(one.AsSpan().SequenceEqual(two), "file key, ephemeral key and nonce are new for each file");
    }

    [TestMethod]
    public void Finish_Twice_Throws()
    {
        var output = new ArrayBufferWriter<byte>();
        using var encryptor = new AgeEncryptor([AgeIdentity.Generate().Recipient]);
        encryptor.Finish(output);

        Assert.ThrowsExactly<InvalidOperationException>(() => encryptor.Finish(output));
        Assert.ThrowsExactly<InvalidOperationException>(() => encryptor.Write([1], output));
    }

    [TestMethod]
    public void Constructor_NoRecipient_Throws() => Assert.ThrowsExactly<ArgumentException>(() => new AgeEncryptor([]));

    [TestMethod]
    public void Constructor_LowOrderRecipient_Throws()
    {
        // The all-zero point: every shared secret with it is zero, so a file to it would be readable by anyone.
        AgeRecipient zero = AgeRecipient.FromPublicKey(new byte[32]);

        AgeException e = Assert.ThrowsExactly<AgeException>(() => new AgeEncryptor([zero]));

        Assert.Contains("low-order", e.Message);
    }

    [TestMethod]
    [DataRow(0L, 1, 22 + 98 + 48 + 16 + 16)]
    [DataRow(1L, 1, 22 + 98 + 48 + 16 + 1 + 16)]
    [DataRow(65536L, 2, 22 + 2 * 98 + 48 + 16 + 65536 + 16)]
    [DataRow(65537L, 1, 22 + 98 + 48 + 16 + 65537 + 2 * 16)]
    [DataRow(1L << 40, 3, 22 + 3 * 98 + 48 + 16 + (1L << 40) + (1L << 24) * 16)]
    public void MaxSize_Sizes_AddHeaderNonceAndATagASegment(long plaintextSize, int recipients, long expected) =>
        Assert.AreEqual(expected, AgeEncryptor.MaxSize(plaintextSize, recipients));
}
