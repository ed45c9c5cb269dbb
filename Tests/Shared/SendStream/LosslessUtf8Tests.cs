using BtrfsToS3.Shared.SendStream;

namespace BtrfsToS3.Tests.Shared.SendStream;

[TestClass]
public sealed class LosslessUtf8Tests
{
    [TestMethod]
    public void Decode_ValidUtf8_IsTheUtf8Text() =>
        Assert.AreEqual("dir/odd name é 🙂", LosslessUtf8.Decode("dir/odd name é 🙂"u8));

    [TestMethod]
    public void Decode_InvalidBytes_BecomeLoneSurrogates() =>
        Assert.AreEqual("a\udcffb\udce2\udc82", LosslessUtf8.Decode([0x61, 0xff, 0x62, 0xe2, 0x82]));

    [TestMethod]
    public void Encode_DecodedRandomBytes_GivesThemBack()
    {
        var random = new Random(20260);
        for (int i = 0; i < 5000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);

            CollectionAssert.AreEqual(
                bytes,
                LosslessUtf8.Encode(LosslessUtf8.Decode(bytes)),
                Convert.ToHexString(bytes)
            );
        }
    }

    [TestMethod]
    public void Decode_TwoDifferentNames_NeverGiveOneString()
    {
        // The escape of 0xED 0xB2 0x80 (UTF-8's would-be encoding of U+DC80) is three surrogates, not U+DC80.
        string escaped = LosslessUtf8.Decode([0xed, 0xb2, 0x80]);
        string plain = LosslessUtf8.Decode([0xc2, 0x80]);

        Assert.AreNotEqual(escaped, plain);
        Assert.AreEqual(3, escaped.Length);
    }

    [TestMethod]
    public void Encode_LoneHighSurrogate_IsRefused() =>
        Assert.ThrowsExactly<ArgumentException>(() => LosslessUtf8.Encode("a\ud800"));
}
