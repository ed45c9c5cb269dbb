using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Plan;

/// <summary>
/// Each subvolume's weekly change for plan, from the best source there is: the incrementals published in S3 (the
/// current generation's manifests), else the scan scripts/fs_growth_analysis.sh wrote, else a share of the size
/// (--weekly-change). S3 is read until it fails once (unreachable, no credentials, no access); from then on every
/// subvolume falls back, and <see cref="Unread"/> says why in one line. An object that cannot be read (bad data) only
/// makes its own subvolume fall back. plan never fails for want of S3: it is a planning aid, often run before any
/// bucket exists.
/// </summary>
/// <param name="repository">Null when S3 cannot be asked; <paramref name="unread"/> says why.</param>
/// <param name="scans">The rows of the scan file, none when there is none.</param>
/// <param name="share">--weekly-change, as a fraction.</param>
internal sealed class WeeklyChanges(
    BackupRepository? repository,
    string? unread,
    IReadOnlyList<GrowthScan> scans,
    decimal share
)
{
    /// <summary>Why the published incrementals were not read (no bucket, S3 unreachable), or null while they
    /// are.</summary>
    public string? Unread { get; private set; } = unread;

    /// <param name="subvolume">The name the subvolume is published under.</param>
    /// <param name="path">Its path, which a scan made of bare paths names it by.</param>
    /// <param name="size">Its size, for the share.</param>
    public async Task<WeeklyChange> ForAsync(
        string subvolume,
        string path,
        long size,
        CancellationToken cancellationToken
    )
    {
        string? whyNotPublished = null;
        if (repository is not null && Unread is null)
        {
            try
            {
                (WeeklyChange? published, whyNotPublished) = await PublishedAsync(
                    repository,
                    subvolume,
                    cancellationToken
                );
                if (published is not null)
                {
                    return published;
                }
            }
            catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
            {
                whyNotPublished = e.Message;
            }
            catch (BackupFailure e) when (e.Kind == FailureKind.TryAgainLater)
            {
                // The outage line goes on about give_up_after and the spool, which plan has nothing to do with.
                Unread = $"from {subvolume} on: {e.Message.Split(';')[0]}";
            }
            catch (BackupFailure e)
            {
                Unread = $"from {subvolume} on: {e.Message}";
            }
        }

        string bare = Path.TrimEndingDirectorySeparator(path);
        WeeklyChange chosen = scans.LastOrDefault(s =>
            s.Subvolume == subvolume || Path.TrimEndingDirectorySeparator(s.Subvolume) == bare
        )
            is { } scan
            ? WeeklyChange.FromScan(scan)
            : WeeklyChange.FromShare(size, share);
        return whyNotPublished is null
            ? chosen
            : chosen with
            {
                Basis = $"{chosen.Basis} (published: {whyNotPublished})",
            };
    }

    /// <summary>The rate of the current generation's incrementals, or why there is none.</summary>
    private static async Task<(WeeklyChange? Change, string? WhyNot)> PublishedAsync(
        BackupRepository repository,
        string subvolume,
        CancellationToken cancellationToken
    )
    {
        if (await repository.ReadPointerAsync(subvolume, cancellationToken) is not { } pointer)
        {
            return (null, "nothing yet");
        }

        var chain = new List<Manifest>();
        foreach ((string key, string? version) in pointer.Generations[^1].Named())
        {
            if (await repository.ReadNamedManifestAsync(key, version, cancellationToken) is not { } manifest)
            {
                return (null, $"manifest {repository.Address(key)} is named by the pointer but missing");
            }

            chain.Add(manifest);
        }

        return WeeklyChange.TryPublished(chain, out WeeklyChange? change, out string? whyNot)
            ? (change, null)
            : (null, whyNot);
    }
}
