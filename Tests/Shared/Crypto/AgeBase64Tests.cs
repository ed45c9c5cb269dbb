using System.Text;
using BtrfsToS3.Shared.Crypto;

namespace BtrfsToS3.Tests.Shared.Crypto;

[TestClass]
public sealed class AgeBase64Tests
{
    [TestMethod]
    [DataRow("", "")]
    [DataRow("f", "Zg")]
    [DataRow("fo", "Zm8")]
    [DataRow("foo", "Zm9v")]
    [DataRow("foob", "Zm9vYg")]
    [DataRow("fooba", "Zm9vYmE")]
    [DataRow("foobar", "Zm9vYmFy")]
    public void Encode_Rfc4648Vectors_HaveNoPadding(string data, string expected)
    {
        Assert.AreEqual(expected, AgeBase64.Encode(Encoding.ASCII.GetBytes(data)));
        Assert.IsTrue(AgeBase64.TryDecode(Encoding.ASCII.GetBytes(expected), out byte[] decoded));
        Assert.AreEqual(data, Encoding.ASCII.GetString(decoded));
        Assert.AreEqual(expected.Length, AgeBase64.EncodedLength(data.Length));
    }

    [TestMethod]
    [DataRow("Zg==", DisplayName = "padding")]
    [DataRow("Zh", DisplayName = "not canonical: unused bits set")]
    [DataRow("Zm9", DisplayName = "not canonical: one unused bit set")]
    [DataRow("Z", DisplayName = "one character")]
    [DataRow("Zm 9v", DisplayName = "space")]
    [DataRow("Zm9v\n", DisplayName = "line feed")]
    [DataRow("Zm-v", DisplayName = "URL-safe alphabet")]
    public void TryDecode_NotCanonicalUnpadded_IsFalse(string text) =>
        Assert.IsFalse(AgeBase64.TryDecode(Encoding.ASCII.GetBytes(text), out _));
}
