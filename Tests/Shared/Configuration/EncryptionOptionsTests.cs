using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class EncryptionOptionsTests : SectionTest
{
    /// <summary>The example recipient of the age specification (age-encryption.org/v1).</summary>
    private const string Example = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    [TestMethod]
    public void Read_NothingGiven_Off()
    {
        EncryptionOptions options = EncryptionOptions.Read(Ini.Section("encryption", string.Empty));

        Assert.IsFalse(options.On);
        Assert.AreEqual("none", options.Name);
    }

    [TestMethod]
    public void Read_TwoRecipientsAndADuplicate_TwoInOrder()
    {
        string other = AgeIdentity.Generate().Recipient.Text;

        EncryptionOptions options = EncryptionOptions.Read(
            Ini.Section("encryption", $"recipients = {Example}, {other} {Example}")
        );

        CollectionAssert.AreEqual(new[] { Example, other }, options.Recipients.Select(r => r.Text).ToArray());
        Assert.AreEqual("age", options.Name);
    }

    [TestMethod]
    public void Read_SecretKeyGiven_RejectedWithoutShowingIt()
    {
        string secret = AgeIdentity.Generate().ToSecretText();

        BackupFailureAssert(
            () => EncryptionOptions.Read(Ini.Section("encryption", $"recipients = {secret}")),
            "[encryption] recipients: age recipient: this is a secret key",
            secret[16..]
        );
    }

    [TestMethod]
    public void Read_MistypedRecipient_RejectedNamingTheKey() =>
        BackupFailureAssert(
            () => EncryptionOptions.Read(Ini.Section("encryption", $"recipients = {Example[..^1]}x")),
            "[encryption] recipients: ",
            null
        );

    private static void BackupFailureAssert(Action read, string expected, string? mustNotAppear)
    {
        BtrfsToS3.Shared.Failures.BackupFailure failure = Assert.ThrowsExactly<BtrfsToS3.Shared.Failures.BackupFailure>(
            read
        );
        StringAssert.Contains(failure.Message, expected);
        if (mustNotAppear is not null)
        {
            Assert.DoesNotContain(mustNotAppear, failure.Message);
        }
    }
}
