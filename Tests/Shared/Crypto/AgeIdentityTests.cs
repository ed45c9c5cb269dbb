using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Crypto;

[TestClass]
public sealed class AgeIdentityTests
{
    // The age spec's example X25519 identity and its recipient (c2sp.org/age, "The X25519 recipient type").
    private const string SpecIdentity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";

    private const string SpecRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    [TestMethod]
    public void Parse_SpecExample_HasTheSpecsRecipient()
    {
        AgeIdentity identity = AgeIdentity.Parse(SpecIdentity);

        Assert.AreEqual(SpecRecipient, identity.Recipient.Text);
        Assert.AreEqual(SpecIdentity, identity.ToSecretText());
        Assert.IsNull(identity.Source);
    }

    [TestMethod]
    public void Generate_TwoIdentities_DifferAndRoundTripThroughText()
    {
        AgeIdentity one = AgeIdentity.Generate();
        AgeIdentity two = AgeIdentity.Generate();

        Assert.AreNotEqual(one.Recipient, two.Recipient);
        Assert.AreEqual(one.Recipient, AgeIdentity.Parse(one.ToSecretText()).Recipient);
        Assert.StartsWith(AgeIdentity.Prefix, one.ToSecretText());
    }

    [TestMethod]
    [DataRow(
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEQ",
        "checksum",
        DisplayName = "last character changed"
    )]
    [DataRow(
        "age-secret-key-1gfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpq4egaex",
        "lower case",
        DisplayName = "lower case"
    )]
    [DataRow(SpecRecipient, "public key", DisplayName = "a recipient")]
    [DataRow(
        "AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQ",
        "not an age X25519 identity",
        DisplayName = "a plugin identity"
    )]
    public void Parse_BadText_ThrowsWithoutQuotingIt(string text, string fault)
    {
        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeIdentity.Parse(text));

        Assert.Contains(fault, e.Message);
        Assert.DoesNotContain("GFPYY", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [TestMethod]
    public void ReadFile_AgeKeygenLayout_SkipsCommentsAndBlankLines()
    {
        using var dir = new TempDirectory("age");
        string path = dir.Write(
            "key.txt",
            $"# created: 2026-01-01T00:00:00Z\n# public key: {SpecRecipient}\n{SpecIdentity}\n\n"
        );

        IReadOnlyList<AgeIdentity> identities = AgeIdentity.ReadFile(path);

        Assert.HasCount(1, identities);
        Assert.AreEqual(SpecRecipient, identities[0].Recipient.Text);
        Assert.AreEqual(path, identities[0].Source);
    }

    [TestMethod]
    public void ReadFile_AgeKeygenOutput_HasTheRecipientAgeKeygenPrints()
    {
        using var dir = new TempDirectory("age");
        (string keyFile, string recipient) = AgeTool.Keygen(dir, "key.txt");

        IReadOnlyList<AgeIdentity> identities = AgeIdentity.ReadFile(keyFile);

        Assert.HasCount(1, identities);
        Assert.AreEqual(recipient, identities[0].Recipient.Text);
        Assert.AreEqual(AgeRecipient.Parse(recipient), identities[0].Recipient);
    }

    [TestMethod]
    public void ReadFile_TwoIdentities_ReadsBothInOrder()
    {
        AgeIdentity other = AgeIdentity.Generate();
        using var dir = new TempDirectory("age");
        string path = dir.Write("keys.txt", $"{SpecIdentity}\r\n# second\r\n{other.ToSecretText()}\r\n");

        IReadOnlyList<AgeIdentity> identities = AgeIdentity.ReadFile(path);

        CollectionAssert.AreEqual(
            new[] { SpecRecipient, other.Recipient.Text },
            identities.Select(identity => identity.Recipient.Text).ToArray()
        );
    }

    [TestMethod]
    public void ReadFile_BadLine_NamesTheFileAndLine()
    {
        using var dir = new TempDirectory("age");
        string path = dir.Write("key.txt", $"# a comment\n{SpecIdentity}\n {SpecIdentity}\n");

        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeIdentity.ReadFile(path));

        Assert.Contains($"{path}, line 3", e.Message);
        Assert.DoesNotContain("GFPYY", e.Message);
    }

    [TestMethod]
    [DataRow("", DisplayName = "empty")]
    [DataRow("# created: 2026-01-01T00:00:00Z\n\n# nothing else\n", DisplayName = "comments only")]
    public void ReadFile_NoIdentity_Throws(string content)
    {
        using var dir = new TempDirectory("age");
        string path = dir.Write("key.txt", content);

        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeIdentity.ReadFile(path));

        Assert.Contains($"{path}: it holds no identity", e.Message);
    }

    [TestMethod]
    public void ReadFile_Missing_NamesTheFile()
    {
        using var dir = new TempDirectory("age");
        string path = Path.Combine(dir.Path, "absent.txt");

        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeIdentity.ReadFile(path));

        Assert.Contains(path, e.Message);
    }
}
