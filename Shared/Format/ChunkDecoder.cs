using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using ZstdSharp;

namespace BtrfsToS3.Shared.Format;

/// <summary>
/// Reads a downloaded, verified chunk back into the stream bytes it holds, as its manifest says it was written
/// (docs/FORMAT.md, "Chunk encoding"): as is, or an age file to decrypt, holding the bytes as they are or as zstd
/// frames. What a restore cannot decode (an encoding this version does not know, an encrypted stream without a
/// matching identity) is refused before anything is thawed or downloaded (<see cref="Problem"/>).
/// </summary>
internal static class ChunkDecoder
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>Why chunks of this manifest cannot be decoded here with these identities, or null.</summary>
    public static string? Problem(Manifest manifest, IReadOnlyList<AgeIdentity> identities, string? identityFile)
    {
        string nothing = "nothing was thawed or downloaded";
        if (ChunkCompression.TryParse(manifest.Compression) is null)
        {
            return $"restore: stream {manifest.Stream} is compressed as \"{manifest.Compression}\", which this version does not read; restore it with a newer btrfs_to_s3; {nothing}";
        }

        if (manifest.Encryption == ChunkEncoding.Plain)
        {
            return null;
        }

        if (manifest.Encryption != ChunkEncoding.Age)
        {
            return $"restore: stream {manifest.Stream} is encrypted as \"{manifest.Encryption}\", which this version does not read; restore it with a newer btrfs_to_s3; {nothing}";
        }

        if (identityFile is null)
        {
            return $"restore: stream {manifest.Stream} is encrypted (age); give the private key of one of its recipients with --identity FILE (age-keygen's key file); {nothing}";
        }

        HashSet<string> ours = [.. identities.Select(i => ChunkEncoding.Fingerprint(i.Recipient.Text))];
        return manifest.RecipientFingerprints.Count > 0 && !manifest.RecipientFingerprints.Any(ours.Contains)
            ? $"restore: stream {manifest.Stream} is encrypted to {string.Join(", ", manifest.RecipientFingerprints)}, and no identity in {identityFile} is one of them (its keys are {string.Join(", ", ours)}); {nothing}"
            : null;
    }

    /// <summary>The stream bytes of the chunk file at <paramref name="path"/>; an age header no identity opens is exit
    /// 64.</summary>
    public static Stream Open(string path, Manifest manifest, string address, IReadOnlyList<AgeIdentity> identities)
    {
        Stream stream = new FileStream(
            path,
            FileMode.Open,
            FileAccess.Read,
            FileShare.Read,
            BufferSize,
            FileOptions.SequentialScan
        );
        if (manifest.Encryption == ChunkEncoding.Age)
        {
            var age = new AgeDecryptor(stream, identities);
            try
            {
                age.ReadHeader();
            }
            catch (AgeException e)
            {
                age.Dispose();
                throw new BackupFailure(
                    FailureKind.Usage,
                    $"restore: chunk {address} of stream {manifest.Stream}: {e.Message}; nothing of the stream was received"
                );
            }

            stream = age;
        }

        return ChunkCompression.TryParse(manifest.Compression) is { IsNone: false }
            ? new DecompressionStream(stream, BufferSize, checkEndOfStream: true, leaveOpen: false)
            : stream;
    }
}
