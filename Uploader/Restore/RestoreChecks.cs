using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// What a restore checks before it thaws or downloads anything: that this host's btrfs receive reads every stream's
/// send protocol, that the identity given opens them, and that a backup expected encrypted is.
/// </summary>
internal static class RestoreChecks
{
    /// <summary>
    /// Age does not say who encrypted a file, and a manifest is only as good as its signature: a backup that should be
    /// encrypted ([encryption] recipients set, or an --identity given) and is not may be a stream put in its place.
    /// Such a stream is refused (exit 65) before anything is thawed, unless the person says it was written before
    /// encryption.
    /// </summary>
    public static void CheckNoDowngrade(
        IEnumerable<Manifest> manifests,
        RestoreRequest request,
        BackupOptions options,
        BackupRepository repository
    )
    {
        if (request.AllowUnencrypted || (!options.Encryption.On && request.Identity is null))
        {
            return;
        }

        if (manifests.FirstOrDefault(m => m.Encryption != ChunkEncoding.Age) is { } plain)
        {
            string why = request.Identity is null
                ? "[encryption] recipients are set"
                : $"--identity {request.Identity} was given";
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {plain.Stream} ({repository.Address(repository.ManifestKey(plain))}) is not encrypted, but {why}: it may have been put there in place of this host's stream; nothing was thawed or received. If it was written before encryption was set, restore with --allow-unencrypted"
            );
        }
    }

    /// <summary>The identities in the --identity file, or none without one; a file that holds none is exit
    /// 64.</summary>
    public static IReadOnlyList<AgeIdentity> ReadIdentities(string? file)
    {
        try
        {
            return file is null ? [] : AgeIdentity.ReadFile(file);
        }
        catch (AgeException e)
        {
            throw new BackupFailure(FailureKind.Usage, $"usage: --identity {file}: {e.Message}");
        }
    }

    /// <summary>Before anything is thawed or downloaded: this host's btrfs receive must read every stream's send
    /// protocol.</summary>
    public static async Task CheckReceiveAsync(IEnumerable<Manifest> manifests, CancellationToken cancellationToken)
    {
        List<Manifest> all = [.. manifests];
        if (
            all.Any(m => m.SendProtocol > 1)
            && ReceiveProblem(all, await new BtrfsTool().VersionAsync(cancellationToken)) is { } problem
        )
        {
            throw new BackupFailure(FailureKind.Config, problem);
        }
    }

    /// <summary>
    /// Why btrfs-progs of that <c>--version</c> line cannot receive one of the streams, or null: a protocol 2 stream
    /// needs btrfs-progs 6.2 or newer (<see cref="SendSettings.ReceivesProtocol2"/>), a later protocol a later tool.
    /// </summary>
    public static string? ReceiveProblem(IReadOnlyList<Manifest> manifests, string progsLine)
    {
        Manifest? newest = manifests.Where(m => m.SendProtocol > 1).MaxBy(m => m.SendProtocol);
        Version? progs = SendSettings.ParseProgs(progsLine);
        if (
            newest is null
            || (newest.SendProtocol == 2 && progs is not null && progs >= SendSettings.ReceivesProtocol2)
        )
        {
            return null;
        }

        string what =
            $"restore: stream {newest.Stream} is btrfs send protocol {newest.SendProtocol}{(newest.CompressedData ? " with compressed data" : string.Empty)}; ";
        return what
            + (
                newest.SendProtocol > 2
                    ? $"btrfs_to_s3 knows protocols 1 and 2 only: restore it with the version that wrote it ({newest.BtrfsProgsVersion} sent it); nothing was thawed or downloaded"
                    : $"btrfs receive needs btrfs-progs {SendSettings.ReceivesProtocol2} or newer to read it (6.0.2 and 6.2 fixed its receive of compressed extents), and this host has {progsLine}: install a newer btrfs-progs, then restore again; nothing was thawed or downloaded"
            );
    }
}
