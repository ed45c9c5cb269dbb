using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Repository;

/// <summary>
/// Which signatures a command takes on the pointers and manifests it reads, and the key it signs what it writes with
/// (docs/FORMAT.md, "Signatures"). A signature present is always checked against the bytes: one that does not match, or
/// is not of the documented form, is bad data whatever the command. Where <see cref="RequireTrusted"/> (restore,
/// verify, prune) an object must also be signed by a key of <see cref="Trusted"/>, and an unsigned one is refused
/// unless <see cref="AllowUnsigned"/> (--allow-unsigned: streams published before signatures existed have none). The
/// commands that only go on from what they read (run, status) learn who signed it and decide: the run publishes over a
/// pointer only where this host or a trusted key signed it, or it takes the pointer over.
/// </summary>
/// <param name="Trusted">The public keys (<c>ed25519:…</c>) whose signatures are taken.</param>
/// <param name="RequireTrusted">Whether an object not signed by a trusted key is refused.</param>
/// <param name="AllowUnsigned">Where <see cref="RequireTrusted"/>, whether an unsigned object is taken all the
/// same.</param>
/// <param name="Signer">The host's key, for the commands that write pointers and manifests; null for the
/// others.</param>
internal sealed record SignaturePolicy(
    IReadOnlySet<string> Trusted,
    bool RequireTrusted,
    bool AllowUnsigned,
    SigningKey? Signer
)
{
    /// <summary>
    /// The policy of an uploader command: trusted are this host's key, [restore] trusted_keys and
    /// <paramref name="trust"/> (--trust); restore, verify and prune require it; run signs what it writes, and prune
    /// the pointer it rewrites.
    /// </summary>
    /// <param name="own">The host's key from the state directory; null where none was made yet.</param>
    public static SignaturePolicy For(
        string command,
        BackupOptions options,
        SigningKey? own,
        IReadOnlyList<string> trust,
        bool allowUnsigned
    )
    {
        var trusted = new HashSet<string>(options.Restore.TrustedKeys ?? [], StringComparer.Ordinal);
        trusted.UnionWith(trust);
        if (own is not null)
        {
            trusted.Add(own.PublicKeyText);
        }

        return new SignaturePolicy(
            trusted,
            RequireTrusted: command is "restore" or "verify" or "prune" or "ls" or "find" or "diff",
            allowUnsigned,
            command is "run" or "prune" ? own : null
        );
    }

    /// <summary>
    /// The public key that signed the object, or null for an unsigned one this policy takes; throws bad data, naming
    /// <paramref name="where"/>, for any other.
    /// </summary>
    public string? Check(ObjectBody body, string where)
    {
        if (body.Signature is null)
        {
            return RequireTrusted && !AllowUnsigned
                ? throw new BackupFailure(
                    FailureKind.BadData,
                    $"{where}: not signed, so it may have been written by anyone with the bucket's keys; if it was written before btrfs_to_s3 signed its objects, restore with --allow-unsigned"
                )
                : null;
        }

        ObjectSignature signature = ObjectSignature.TryParse(body.Signature)
            ?? throw new BackupFailure(
                FailureKind.BadData,
                $"{where}: its signature {FieldCheck.Show(body.Signature)} is not of the form docs/FORMAT.md gives; it is not trusted"
            );
        if (!signature.Verifies(body.Bytes))
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"{where}: its signature by {signature.PublicKey} does not match its bytes; it is not trusted"
            );
        }

        return !RequireTrusted || Trusted.Contains(signature.PublicKey)
            ? signature.PublicKey
            : throw new BackupFailure(
                FailureKind.BadData,
                $"{where}: signed by {signature.PublicKey}, which is not trusted; if that is this host's or an earlier host's key, add it to [restore] trusted_keys or give --trust {signature.PublicKey}"
            );
    }
}
