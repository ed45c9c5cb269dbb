using System.Text;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Crypto;

[TestClass]
public sealed class SigningKeyTests
{
    private TempDirectory _state = null!;

    [TestInitialize]
    public void MakeState() => _state = new TempDirectory("state");

    [TestCleanup]
    public void RemoveState() => _state.Dispose();

    [TestMethod]
    public void LoadOrCreate_NoKey_MakesAnOwnerOnlyKeyThatLoadsAgain()
    {
        using SigningKey made = SigningKey.LoadOrCreate(_state.Path);
        using SigningKey loaded = SigningKey.TryLoad(_state.Path)!;

        Assert.AreEqual(made.PublicKeyText, loaded.PublicKeyText);
        Assert.AreEqual(
            UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(_state.Path, SigningKey.FileName))
        );
        StringAssert.StartsWith(made.PublicKeyText, "ed25519:");
        Assert.AreEqual(52, made.PublicKeyText.Length);
    }

    [TestMethod]
    public void TryLoad_NoKey_IsNull() => Assert.IsNull(SigningKey.TryLoad(_state.Path));

    [TestMethod]
    public void TryLoad_NotAKey_IsBadDataNamingTheFile()
    {
        File.WriteAllText(Path.Combine(_state.Path, SigningKey.FileName), "hello\n");

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => SigningKey.TryLoad(_state.Path));

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.StartsWith(failure.Message, Path.Combine(_state.Path, SigningKey.FileName));
    }

    [TestMethod]
    public void Sign_ThenVerify_HoldsForTheBytesAndNoOthers()
    {
        using SigningKey key = SigningKey.LoadOrCreate(_state.Path);
        byte[] body = Encoding.UTF8.GetBytes("{\"format_version\": 2}");

        ObjectSignature signature = ObjectSignature.TryParse(key.Sign(body))!;

        Assert.AreEqual(key.PublicKeyText, signature.PublicKey);
        Assert.IsTrue(signature.Verifies(body));
        body[^2] ^= 1;
        Assert.IsFalse(signature.Verifies(body));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("ed25519:abc sig")]
    [DataRow("rsa:AAAA AAAA")]
    public void TryParse_NotASignature_IsNull(string text) => Assert.IsNull(ObjectSignature.TryParse(text));

    [TestMethod]
    public void Message_IsTheDomainThenTheBytes() =>
        CollectionAssert.AreEqual(
            Encoding.ASCII.GetBytes("btrfs_to_s3 signed object v1\nxy"),
            ObjectSignature.Message("xy"u8)
        );

    /// <summary>The by-hand check of docs/FORMAT.md ("Signatures") with openssl, as a person would run it.</summary>
    [TestMethod]
    public void Sign_CheckedByHandWithOpenssl_AsFormatMdSays()
    {
        using SigningKey key = SigningKey.LoadOrCreate(_state.Path);
        byte[] body = Encoding.UTF8.GetBytes("{\n  \"format_version\": 2\n}");
        ObjectSignature signature = ObjectSignature.TryParse(key.Sign(body))!;
        File.WriteAllBytes(Path.Combine(_state.Path, "object"), body);
        string script = $$"""
            set -e
            cd {{_state.Path}}
            { printf 'btrfs_to_s3 signed object v1\n'; cat object; } > message
            { printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; echo {{signature.PublicKey[
                "ed25519:".Length..
            ]}} | base64 -d; } > pub.der
            echo {{Convert.ToBase64String(signature.Signature)}} | base64 -d > sig
            openssl pkeyutl -verify -pubin -inkey pub.der -keyform DER -rawin -in message -sigfile sig
            """;

        StringAssert.Contains(Shell.Run("bash", "-c", script), "Signature Verified Successfully");
        File.AppendAllText(Path.Combine(_state.Path, "object"), " ");
        Assert.AreNotEqual(0, Shell.TryRun("bash", ["-c", script]).Code);
    }
}
