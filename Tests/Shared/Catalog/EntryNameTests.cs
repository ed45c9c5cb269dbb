using System.Text;
using BtrfsToS3.Shared.Catalog;
using CsCheck;

namespace BtrfsToS3.Tests.Shared.Catalog;

/// <summary>A name's string says its bytes exactly: valid UTF-8 as itself, any other byte as an escape no valid name
/// has.</summary>
[TestClass]
public sealed class EntryNameTests
{
    [TestMethod]
    public void FromString_OfAnyNamesString_IsThatName() =>
        Gen
            .Byte.Array[0, 40]
            .Sample(
                bytes =>
                {
                    var name = new EntryName(bytes);

                    EntryName? back = EntryName.FromString(name.ToString());

                    Assert.IsNotNull(back);
                    CollectionAssert.AreEqual(bytes, back.Value.Bytes.ToArray());
                },
                seed: "0000000001Kx",
                iter: 5000,
                threads: 1
            );

    // Lone surrogates cannot go through DataRow: an attribute's strings are stored as UTF-8, which has none.
    [TestMethod]
    public void ToString_Bytes_AreUtf8OrEscapes()
    {
        Assert.AreEqual("café", new EntryName([0x63, 0x61, 0x66, 0xc3, 0xa9]).ToString());
        Assert.AreEqual("caf\udce9", new EntryName([0x63, 0x61, 0x66, 0xe9]).ToString());
        Assert.AreEqual("\udced\udca0\udc80", new EntryName([0xed, 0xa0, 0x80]).ToString());
        Assert.AreEqual("😀\udcff", new EntryName([0xf0, 0x9f, 0x98, 0x80, 0xff]).ToString());
    }

    [TestMethod]
    public void FromString_StringNoNameHas_IsNull()
    {
        Assert.IsNull(EntryName.FromString("\udcc3\udca9"));
        Assert.IsNull(EntryName.FromString("\ud800"));
        Assert.IsNull(EntryName.FromString("\udc41"));
    }

    [TestMethod]
    public void CompareTo_Names_OrderByTheirBytes()
    {
        EntryName[] names =
        [
            new(Encoding.UTF8.GetBytes("\uffff")),
            new(Encoding.UTF8.GetBytes("😀")),
            new([0xff]),
            new(Encoding.UTF8.GetBytes("a")),
        ];

        CollectionAssert.AreEqual(
            new[] { "a", "\uffff", "😀", "\udcff" },
            names.Order().Select(n => n.ToString()).ToList()
        );
    }
}
