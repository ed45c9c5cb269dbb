using BtrfsToS3.Shared.Crypto;

namespace BtrfsToS3.Tests.Shared.Crypto;

[TestClass]
public sealed class AgeRecipientTests
{
    // The age spec's example X25519 recipient (c2sp.org/age, "The X25519 recipient type").
    private const string SpecRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    [TestMethod]
    public void Parse_SpecExample_GivesBackTheSameText()
    {
        AgeRecipient recipient = AgeRecipient.Parse(SpecRecipient);

        Assert.AreEqual(SpecRecipient, recipient.ToString());
        Assert.AreEqual(32, recipient.PublicKey.Length);
    }

    [TestMethod]
    public void Equals_SameKeyParsedTwice_AreEqual()
    {
        Assert.AreEqual(AgeRecipient.Parse(SpecRecipient), AgeRecipient.Parse(SpecRecipient));
        Assert.AreEqual(
            AgeRecipient.Parse(SpecRecipient).GetHashCode(),
            AgeRecipient.Parse(SpecRecipient).GetHashCode()
        );
        Assert.AreNotEqual(AgeRecipient.Parse(SpecRecipient), AgeIdentity.Generate().Recipient);
    }

    [TestMethod]
    public void FromPublicKey_ParsedKey_GivesTheCanonicalText()
    {
        AgeRecipient parsed = AgeRecipient.Parse(SpecRecipient);

        Assert.AreEqual(SpecRecipient, AgeRecipient.FromPublicKey(parsed.PublicKey).Text);
    }

    [TestMethod]
    [DataRow(
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq",
        "checksum",
        DisplayName = "last character changed"
    )]
    [DataRow(
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujw",
        "checksum",
        DisplayName = "last character missing"
    )]
    [DataRow(
        "AGE1ZVKYG2LQZRAA2LNJVQEJ32NKUU0UES2S82HZRYE869XEEXVN73EQUNUJWJ",
        "upper case",
        DisplayName = "upper case"
    )]
    [DataRow(
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwJ",
        "mixes upper and lower case",
        DisplayName = "mixed case"
    )]
    [DataRow("age1qypqgzqpqgzqsqgzqsyqzqsypqqsypqgqypqgzqpqgzqsqgzqs9fhapc", "not the 32", DisplayName = "31 bytes")]
    [DataRow("", "no '1' separator", DisplayName = "empty")]
    [DataRow("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA", "outside ASCII", DisplayName = "an SSH key")]
    public void Parse_BadText_ThrowsNamingTheTextAndTheFault(string text, string fault)
    {
        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeRecipient.Parse(text));

        Assert.Contains(fault, e.Message);
        Assert.Contains(text.Length <= 20 ? text : text[..20] + "…", e.Message);
    }

    [TestMethod]
    public void Parse_WrongHrp_SaysWhatItStartsWith()
    {
        string other = Bech32.Encode("bob", new byte[32]);

        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeRecipient.Parse(other));

        Assert.Contains("\"bob1\"", e.Message);
    }

    [TestMethod]
    public void Parse_SecretKey_RefusesWithoutQuotingIt()
    {
        string secret = AgeIdentity.Generate().ToSecretText();

        AgeException e = Assert.ThrowsExactly<AgeException>(() => AgeRecipient.Parse(secret));

        Assert.Contains("secret key", e.Message);
        Assert.DoesNotContain(secret[16..20], e.Message);
    }
}
