using System.Security.Cryptography;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// The catalogs a command reads, each downloaded once into <c>&lt;state dir&gt;/catalogs/&lt;sha256&gt;</c>: a catalog
/// never changes once published, so its SHA-256 names it for good. Whatever the file holds is checked against the
/// signed manifest's SHA-256 every time before a byte of it is decoded (docs/FORMAT.md, "Catalog"): the cache is a
/// copy, not a source of truth. Files not used for <see cref="KeepUnused"/> are removed.
/// </summary>
internal sealed class CatalogCache(BackupRepository repository, string stateDir, IReadOnlyList<AgeIdentity> identities)
{
    public const string DirName = "catalogs";

    /// <summary>A catalog not read for this long is removed from the cache (its generation was likely
    /// pruned).</summary>
    private static readonly TimeSpan KeepUnused = TimeSpan.FromDays(30);

    private readonly string _dir = Path.Combine(stateDir, DirName);

    /// <summary>Downloads the catalog unless the cache holds a copy whose SHA-256 is the manifest's; returns where it
    /// is.</summary>
    public async Task<string> FetchAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        ManifestCatalog catalog = manifest.Catalog
            ?? throw new InvalidOperationException($"{manifest.Stream} has no catalog");
        string address = repository.Address(catalog.Key);
        if (manifest.Encryption == ChunkEncoding.Age)
        {
            CheckIdentities(manifest, address);
        }

        string path = Path.Combine(_dir, catalog.Sha256);
        if (!File.Exists(path) || HashOf(path) != catalog.Sha256)
        {
            await DownloadAsync(catalog, path, address, cancellationToken);
        }

        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        return path;
    }

    /// <summary>The catalog's JSON lines, decoded from a copy whose SHA-256 is the manifest's (checked again here,
    /// right before the bytes are decoded).</summary>
    public async Task<Stream> OpenAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        string path = await FetchAsync(manifest, cancellationToken);
        return new DecodingAhead(
            CatalogDecoder.Open(
                File.OpenRead(path),
                manifest.Encryption == ChunkEncoding.Age,
                identities,
                repository.Address(manifest.Catalog!.Key)
            )
        );
    }

    /// <summary>An encrypted catalog is opened only with an identity of one of its stream's recipients (file names are
    /// data too), before anything is downloaded.</summary>
    private void CheckIdentities(Manifest manifest, string address)
    {
        HashSet<string> ours = [.. identities.Select(i => ChunkEncoding.Fingerprint(i.Recipient.Text))];
        if (ours.Count == 0)
        {
            throw new BackupFailure(
                FailureKind.Usage,
                $"catalog {address} of stream {manifest.Stream} is encrypted (age): give the private key of one of its recipients with --identity FILE"
            );
        }

        if (manifest.RecipientFingerprints.Count > 0 && !manifest.RecipientFingerprints.Any(ours.Contains))
        {
            throw new BackupFailure(
                FailureKind.Usage,
                $"catalog {address} of stream {manifest.Stream} is encrypted to {string.Join(", ", manifest.RecipientFingerprints)}, and no --identity key is one of them ({string.Join(", ", ours)})"
            );
        }
    }

    /// <summary>Removes the catalogs not read for <see cref="KeepUnused"/>.</summary>
    public void RemoveUnused()
    {
        if (!Directory.Exists(_dir))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(_dir))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > KeepUnused)
            {
                File.Delete(file);
            }
        }
    }

    private async Task DownloadAsync(
        ManifestCatalog catalog,
        string path,
        string address,
        CancellationToken cancellationToken
    )
    {
        Directory.CreateDirectory(_dir);
        File.SetUnixFileMode(_dir, GroupShared.DirectoryMode);
        string temp = path + AtomicFile.TempSuffix;
        try
        {
            await repository.ReadCatalogAsync(
                catalog,
                async (body, attemptToken) =>
                {
                    await using FileStream file = ExclusiveFile.Create(temp, GroupShared.FileMode);
                    await body.CopyToAsync(file, attemptToken);
                },
                cancellationToken
            );
        }
        catch (ObjectNotThawedException)
        {
            File.Delete(temp);
            throw new BackupFailure(
                FailureKind.Config,
                $"catalog {address} is in an archive storage class: catalogs must stay readable without a thaw ([s3] storage_class_metadata, and no lifecycle rule may move catalogs or manifests)"
            );
        }

        string sha = HashOf(temp);
        if (sha != catalog.Sha256)
        {
            File.Delete(temp);
            throw new BackupFailure(
                FailureKind.BadData,
                $"catalog {address}: SHA-256 {sha}, but its manifest says {catalog.Sha256}; the copy in S3 is damaged or not ours, and nothing of it was read"
            );
        }

        File.Move(temp, path, overwrite: true);
    }

    private static string HashOf(string path)
    {
        using FileStream file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
