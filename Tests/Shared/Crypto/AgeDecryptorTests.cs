using System.Security.Cryptography;
using System.Text;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Crypto;

[TestClass]
public sealed class AgeDecryptorTests
{
    private const int Segment = 64 * 1024;

    public static IEnumerable<object[]> TestkitVectors => AgeTestVector.Names().Select(name => new object[] { name });

    [TestMethod]
    public void Testkit_IsThere() => Assert.IsGreaterThan(60, AgeTestVector.Names().Count());

    /// <summary>
    /// Each C2SP vector: header failures, no-match and MAC failures surface from the header; payload failures only
    /// after it; and all the plaintext released, also before a payload failure, hashes to the vector's payload.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(TestkitVectors))]
    public void Read_TestkitVector_HasTheExpectedOutcome(string name)
    {
        AgeTestVector vector = AgeTestVector.Load(name);
        AgeIdentity[] identities =
            vector.Identities.Count > 0 ? [.. vector.Identities.Select(AgeIdentity.Parse)] : [AgeIdentity.Generate()];
        using var decryptor = new AgeDecryptor(new MemoryStream(vector.File), identities);

        AgeException? headerFailure = Catch(decryptor.ReadHeader);

        switch (vector.Expect)
        {
            case "header failure":
                Assert.IsNotNull(headerFailure, vector.ToString());
                Assert.DoesNotStartWith("no identity", headerFailure.Message, vector.ToString());
                Assert.DoesNotContain("MAC does not match", headerFailure.Message, vector.ToString());
                return;
            case "no match":
                Assert.IsNotNull(headerFailure, vector.ToString());
                Assert.StartsWith("no identity given matches a recipient", headerFailure.Message, vector.ToString());
                return;
            case "HMAC failure":
                Assert.IsNotNull(headerFailure, vector.ToString());
                Assert.Contains("MAC does not match", headerFailure.Message, vector.ToString());
                return;
        }

        Assert.IsNull(headerFailure, $"{vector}: {headerFailure?.Message}");
        using var released = new MemoryStream();
        AgeException? payloadFailure = Catch(() => decryptor.CopyTo(released, 4099));
        if (vector.Expect == "success")
        {
            Assert.IsNull(payloadFailure, $"{vector}: {payloadFailure?.Message}");
        }
        else
        {
            Assert.AreEqual("payload failure", vector.Expect);
            Assert.IsNotNull(payloadFailure, vector.ToString());
        }

        if (vector.PayloadSha256 is not null)
        {
            Assert.AreEqual(
                vector.PayloadSha256,
                Convert.ToHexStringLower(SHA256.HashData(released.ToArray())),
                $"{vector}: the plaintext released"
            );
        }
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(Segment)]
    [DataRow(2 * Segment + 7)]
    public void Read_AgeEncryptedToRecipient_Decrypts(int size)
    {
        using var dir = new TempDirectory("age");
        (string keyFile, string recipient) = AgeTool.Keygen(dir, "key.txt");
        byte[] plaintext = AgeFiles.Plaintext(size);

        byte[] file = AgeTool.Encrypt(dir, plaintext, "-r", recipient);

        CollectionAssert.AreEqual(plaintext, AgeFiles.Decrypt(file, [.. AgeIdentity.ReadFile(keyFile)]));
    }

    [TestMethod]
    public void Read_AgeEncryptedWithRecipientsFileAndIdentityFile_EachKeyDecrypts()
    {
        using var dir = new TempDirectory("age");
        (string firstKey, string firstRecipient) = AgeTool.Keygen(dir, "first.txt");
        (string secondKey, _) = AgeTool.Keygen(dir, "second.txt");
        string recipients = dir.Write("recipients.txt", $"# the first\n{firstRecipient}\n");
        byte[] plaintext = AgeFiles.Plaintext(Segment + 1);

        byte[] file = AgeTool.Encrypt(dir, plaintext, "-R", recipients, "-i", secondKey);

        CollectionAssert.AreEqual(plaintext, AgeFiles.Decrypt(file, [.. AgeIdentity.ReadFile(firstKey)]));
        CollectionAssert.AreEqual(plaintext, AgeFiles.Decrypt(file, [.. AgeIdentity.ReadFile(secondKey)]));
    }

    [TestMethod]
    public void Read_AgeEncryptedToOurIdentity_Decrypts()
    {
        using var dir = new TempDirectory("age");
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] plaintext = AgeFiles.Plaintext(5000);

        byte[] file = AgeTool.Encrypt(dir, plaintext, "-r", identity.Recipient.Text);

        CollectionAssert.AreEqual(plaintext, AgeFiles.Decrypt(file, identity));
    }

    [TestMethod]
    public void ReadHeader_WrongIdentity_SaysNoIdentityMatchesAndHowManyRecipients()
    {
        byte[] file = AgeFiles.Encrypt([1, 2, 3], AgeIdentity.Generate().Recipient, AgeIdentity.Generate().Recipient);
        using var dir = new TempDirectory("age");
        string keyFile = dir.Write("key.txt", AgeIdentity.Generate().ToSecretText() + "\n");
        using var decryptor = new AgeDecryptor(new MemoryStream(file), AgeIdentity.ReadFile(keyFile));

        AgeException e = Assert.ThrowsExactly<AgeException>(decryptor.ReadHeader);

        Assert.AreEqual(
            $"no identity in {keyFile} matches a recipient of this file (it is encrypted to 2 X25519 recipients)",
            e.Message
        );
        Assert.AreSame(
            e,
            Assert.ThrowsExactly<AgeException>(() => decryptor.ReadByte()),
            "a failed decryptor keeps failing"
        );
    }

    [TestMethod]
    public void ReadHeader_SecondIdentityMatches_Decrypts()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] file = AgeFiles.Encrypt([1, 2, 3], identity.Recipient);

        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, AgeFiles.Decrypt(file, AgeIdentity.Generate(), identity));
    }

    [TestMethod]
    public void ReadHeader_OtherRecipientsStanzaChanged_FailsTheMac()
    {
        // The second stanza still parses and is not ours: only the MAC, over the whole header, notices the change.
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] file = AgeFiles.Encrypt([1, 2, 3], identity.Recipient, AgeIdentity.Generate().Recipient);
        int secondShare = IndexOf(file, "-> X25519 ", after: IndexOf(file, "-> X25519 ") + 1) + "-> X25519 ".Length;
        file[secondShare] = (byte)(file[secondShare] == 'A' ? 'B' : 'A');

        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeFiles.Decrypt(file, identity));

        Assert.AreEqual("the age header's MAC does not match: the header was changed or damaged", e.Message);
    }

    [TestMethod]
    public void Read_EveryBitOfASmallFileFlipped_Throws()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] file = AgeFiles.Encrypt(AgeFiles.Plaintext(100), identity.Recipient);

        for (int bit = 0; bit < file.Length * 8; bit++)
        {
            byte[] changed = (byte[])file.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.ThrowsExactly<AgeException>(
                () => AgeFiles.Decrypt(changed, identity),
                $"bit {bit % 8} of byte {bit / 8}"
            );
        }
    }

    [TestMethod]
    [DataRow(0, DisplayName = "first segment")]
    [DataRow(1, DisplayName = "second, final segment")]
    public void Read_PayloadBitFlipped_NamesTheSegment(int segment)
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] file = AgeFiles.Encrypt(AgeFiles.Plaintext(Segment + 5), identity.Recipient);
        int payload = file.Length - (Segment + 5) - 2 * 16;
        file[payload + segment * (Segment + 16) + 3] ^= 0x10;

        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeFiles.Decrypt(file, identity));

        Assert.StartsWith($"payload segment {segment + 1} failed authentication", e.Message);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(17)]
    [DataRow(Segment + 16)]
    public void Read_BytesAppended_Throws(int appended)
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] file = AgeFiles.Encrypt(AgeFiles.Plaintext(2 * Segment), identity.Recipient);

        Assert.ThrowsExactly<AgeException>(() => AgeFiles.Decrypt([.. file, .. new byte[appended]], identity));
    }

    [TestMethod]
    public void Read_WholeFinalSegmentAppendedAgain_SaysDataFollowsTheFinalSegment()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] file = AgeFiles.Encrypt(AgeFiles.Plaintext(2 * Segment), identity.Recipient);

        AgeException e = Assert.ThrowsExactly<AgeException>(() =>
            AgeFiles.Decrypt([.. file, .. file[^(Segment + 16)..]], identity)
        );

        Assert.AreEqual("the age file has data after its final payload segment (2): bytes were appended", e.Message);
    }

    [TestMethod]
    public void Read_CutAnywhere_Throws()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] file = AgeFiles.Encrypt(AgeFiles.Plaintext(2 * Segment + 10), identity.Recipient);
        int payload = file.Length - (2 * Segment + 10) - 3 * 16;

        int[] cuts =
        [
            0,
            10,
            30,
            payload - 16,
            payload - 1,
            payload,
            payload + 15,
            payload + 16,
            payload + Segment,
            payload + Segment + 16,
            payload + 2 * (Segment + 16),
            file.Length - 1,
        ];
        foreach (int cut in cuts)
        {
            Assert.ThrowsExactly<AgeException>(
                () => AgeFiles.Decrypt(file[..cut], identity),
                $"cut at {cut} of {file.Length}"
            );
        }
    }

    [TestMethod]
    public void Read_CutAtASegmentBoundary_SaysTruncated()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        byte[] file = AgeFiles.Encrypt(AgeFiles.Plaintext(2 * Segment + 10), identity.Recipient);

        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeFiles.Decrypt(file[..^(10 + 16)], identity));

        Assert.AreEqual(
            "the age file is truncated: it ends after payload segment 2, which is not the final one",
            e.Message
        );
    }

    [TestMethod]
    public void Read_NotAnAgeFile_SaysSo()
    {
        AgeException e = Assert.ThrowsExactly<AgeException>(() =>
            AgeFiles.Decrypt(Encoding.ASCII.GetBytes("BTRFS-STREAM\0\0\0 and so on\n"), AgeIdentity.Generate())
        );

        Assert.AreEqual("not an age file: it does not start with age-encryption.org/v1", e.Message);
    }

    [TestMethod]
    public void Read_OtherVersion_NamesIt()
    {
        AgeException e = Assert.ThrowsExactly<AgeException>(() =>
            AgeFiles.Decrypt(Encoding.ASCII.GetBytes("age-encryption.org/v2\n-> X25519 AAAA\n"), AgeIdentity.Generate())
        );

        Assert.AreEqual("the age file is of version v2; only v1 is supported", e.Message);
    }

    [TestMethod]
    public void IsAge_StartOfFiles_TellsAgeFromOthers()
    {
        byte[] file = AgeFiles.Encrypt([], AgeIdentity.Generate().Recipient);

        Assert.IsTrue(AgeDecryptor.IsAge(file));
        Assert.IsTrue(AgeDecryptor.IsAge("age-encryption.org/v2\n"u8));
        Assert.IsFalse(AgeDecryptor.IsAge("-----BEGIN AGE ENCRYPTED FILE-----\n"u8));
        Assert.IsFalse(AgeDecryptor.IsAge("btrfs-stream"u8));
        Assert.IsFalse(AgeDecryptor.IsAge([]));
    }

    private static AgeException? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (AgeException e)
        {
            return e;
        }
    }

    private static int IndexOf(byte[] file, string text, int after = 0) =>
        after + file.AsSpan(after).IndexOf(Encoding.ASCII.GetBytes(text));
}
