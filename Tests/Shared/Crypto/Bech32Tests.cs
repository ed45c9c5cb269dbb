using BtrfsToS3.Shared.Crypto;

namespace BtrfsToS3.Tests.Shared.Crypto;

[TestClass]
public sealed class Bech32Tests
{
    // BIP 173, "Test vectors": the valid and invalid Bech32 strings, less the one invalid only for its length (age has
    // no length limit), and of the segwit addresses the mixed-case one (the others break Bitcoin's rules, not
    // Bech32's).
    [TestMethod]
    [DataRow("A12UEL5L")]
    [DataRow("a12uel5l")]
    [DataRow("an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs")]
    [DataRow("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")]
    [DataRow("11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j")]
    [DataRow("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w")]
    [DataRow("?1ezyfcl")]
    public void Decode_Bip173ValidString_KeepsTheHrpAsWritten(string text)
    {
        (string hrp, _) = Bech32.Decode(text);

        Assert.AreEqual(text[..text.LastIndexOf('1')], hrp);
    }

    [TestMethod]
    [DataRow("\u00201nwldj5", DisplayName = "HRP character out of range (0x20)")]
    [DataRow("\u007f1axkwrx", DisplayName = "HRP character out of range (0x7F)")]
    [DataRow("\u00801eym55h", DisplayName = "HRP character out of range (0x80)")]
    [DataRow("pzry9x0s0muk", DisplayName = "no separator")]
    [DataRow("1pzry9x0s0muk", DisplayName = "empty HRP")]
    [DataRow("x1b4n0q5v", DisplayName = "invalid data character")]
    [DataRow("li1dgmt3", DisplayName = "too short checksum")]
    [DataRow("de1lg7wt\u00ff", DisplayName = "invalid character in checksum")]
    [DataRow("A1G7SGD8", DisplayName = "checksum over the upper-case HRP")]
    [DataRow("10a06t8", DisplayName = "empty HRP, 10a06t8")]
    [DataRow("1qzzfhee", DisplayName = "empty HRP, 1qzzfhee")]
    [DataRow("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", DisplayName = "mixed case")]
    public void Decode_Bip173InvalidString_Throws(string text) =>
        Assert.ThrowsExactly<FormatException>(() => Bech32.Decode(text));

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(32)]
    [DataRow(33)]
    [DataRow(100)]
    public void Encode_AnyBytes_DecodesBack(int length)
    {
        byte[] data = new Random(length).GetItems<byte>([.. Enumerable.Range(0, 256).Select(i => (byte)i)], length);

        (string hrp, byte[] decoded) = Bech32.Decode(Bech32.Encode("age", data));

        Assert.AreEqual("age", hrp);
        CollectionAssert.AreEqual(data, decoded);
    }

    [TestMethod]
    public void Decode_OneCharacterChanged_FailsTheChecksum()
    {
        string text = Bech32.Encode("age", new byte[32]);
        string changed = text[..10] + (text[10] == 'q' ? 'p' : 'q') + text[11..];

        FormatException e = Assert.ThrowsExactly<FormatException>(() => Bech32.Decode(changed));

        Assert.Contains("checksum", e.Message);
    }
}
