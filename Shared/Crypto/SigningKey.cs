using System.Security.Cryptography;
using System.Text;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using NSec.Cryptography;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// The host's Ed25519 key, with which it signs every pointer and manifest it writes (docs/FORMAT.md, "Signatures"):
/// made at the first run in the state directory, owner-only, and never sent anywhere. Its public key
/// (<see cref="PublicKeyText"/>) is what a restore trusts; a person keeps it with the age key.
/// </summary>
internal sealed class SigningKey : IDisposable
{
    /// <summary>The key file's name in the state directory.</summary>
    public const string FileName = "signing.key";

    /// <summary>The key file's first line: what it is, for a person who finds it.</summary>
    private const string FileHeader =
        "# btrfs_to_s3 signing key (Ed25519 seed, base64): keep it secret, keep its public key with the age key";

    private readonly Key _key;

    private SigningKey(Key key)
    {
        _key = key;
        PublicKeyText = SignaturePublicKey.Text(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary><c>ed25519:</c> and the public key in base64: what <c>[restore] trusted_keys</c> and <c>--trust</c>
    /// take.</summary>
    public string PublicKeyText { get; }

    /// <summary>The key in the state directory, made (owner-only, atomically) when there is none yet.</summary>
    public static SigningKey LoadOrCreate(string stateDir)
    {
        string path = Path.Combine(stateDir, FileName);
        if (TryLoad(stateDir) is { } existing)
        {
            return existing;
        }

        byte[] seed = RandomNumberGenerator.GetBytes(32);
        try
        {
            // Owner-only, unlike the rest of the state directory (GroupShared): the spooler never signs, and nobody
            // else may.
            AtomicFile.Write(
                path,
                Encoding.ASCII.GetBytes($"{FileHeader}\n{Convert.ToBase64String(seed)}\n"),
                overwrite: false,
                UnixFileMode.UserRead | UnixFileMode.UserWrite
            );
            return FromSeed(seed, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The key in the state directory, or null when none was made yet; one that cannot be read is bad
    /// data.</summary>
    public static SigningKey? TryLoad(string stateDir)
    {
        string path = Path.Combine(stateDir, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = [.. File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#'))];
        }
        catch (UnauthorizedAccessException)
        {
            throw new BackupFailure(
                FailureKind.Config,
                $"{path}: this user cannot read the signing key (it is owner-only); give it to the user the uploader runs as (chown btrfs-to-s3 {path}), or run as its owner"
            );
        }

        byte[] seed = [];
        if (lines.Length != 1 || !TryBase64(lines[0], out seed) || seed.Length != 32)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"{path}: not a signing key (one line of 44 base64 characters, an Ed25519 seed); move it away to make a new key, and trust the new public key where restores run"
            );
        }

        try
        {
            return FromSeed(seed, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The signature of an object's bytes, as stored beside it (<see cref="ObjectSignature.Text"/>).</summary>
    public string Sign(ReadOnlySpan<byte> body) =>
        new ObjectSignature(PublicKeyText, SignatureAlgorithm.Ed25519.Sign(_key, ObjectSignature.Message(body))).Text;

    public void Dispose() => _key.Dispose();

    private static SigningKey FromSeed(byte[] seed, string path)
    {
        try
        {
            return new SigningKey(
                Key.Import(
                    SignatureAlgorithm.Ed25519,
                    seed,
                    KeyBlobFormat.RawPrivateKey,
                    new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None }
                )
            );
        }
        catch (FormatException e)
        {
            throw new BackupFailure(FailureKind.BadData, $"{path}: not a signing key ({e.Message})");
        }
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
