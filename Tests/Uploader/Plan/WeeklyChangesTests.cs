using System.Text;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Plan;
using BtrfsToS3.Uploader.Repository;

namespace BtrfsToS3.Tests.Uploader.Plan;

/// <summary>Which source plan takes each subvolume's weekly change from, with S3 as a store in memory.</summary>
[TestClass]
public sealed class WeeklyChangesTests
{
    private static readonly DateTimeOffset ScannedAt = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly MemoryObjectStore _store = new();

    private readonly BackupRepository _repository;

    public WeeklyChangesTests() =>
        _repository = new BackupRepository(
            _store,
            new S3Options(
                "b-test",
                string.Empty,
                "backup/",
                string.Empty,
                "DEEP_ARCHIVE",
                "STANDARD",
                4,
                5 * ByteSize.MiB,
                TimeSpan.FromMinutes(1),
                ChecksumsWhenRequiredOnly: true,
                ObjectLock: null,
                LockMargin: TimeSpan.Zero
            )
        );

    [TestMethod]
    public async Task ForAsync_IncrementalsPublished_TakenBeforeTheScan()
    {
        await PublishAsync(ManifestChain.Of("data", (ByteSize.TiB, 0), (3 * ByteSize.GiB, 7), (5 * ByteSize.GiB, 14)));
        var changes = new WeeklyChanges(_repository, null, [Scan("data", 9 * ByteSize.GiB)], 0.01m);

        WeeklyChange change = await changes.ForAsync("data", "/srv/data/data", ByteSize.TiB, CancellationToken.None);

        Assert.AreEqual(
            new WeeklyChange(
                4 * ByteSize.GiB,
                ChangeSource.Published,
                "published: 2 incrementals of 8.0 GiB in 14.0 days of generation 20260104T020000Z"
            ),
            change
        );
        Assert.IsNull(changes.Unread);
    }

    [TestMethod]
    public async Task ForAsync_OnlyTheFullPublished_TakesTheScanAndSaysWhy()
    {
        await PublishAsync(ManifestChain.Of("data", (ByteSize.TiB, 0)));
        var changes = new WeeklyChanges(_repository, null, [Scan("data", 9 * ByteSize.GiB)], 0.01m);

        WeeklyChange change = await changes.ForAsync("data", "/srv/data/data", ByteSize.TiB, CancellationToken.None);

        Assert.AreEqual(9 * ByteSize.GiB, change.Bytes);
        Assert.AreEqual(ChangeSource.Scan, change.Source);
        Assert.AreEqual(
            "scan of 2026-01-05: 9.0 GiB of 1.0 TiB changed in 7 days (published: only the full of generation 20260104T020000Z)",
            change.Basis
        );
    }

    [TestMethod]
    public async Task ForAsync_NothingPublishedNoScanRow_TakesTheShare()
    {
        var changes = new WeeklyChanges(_repository, null, [Scan("home", ByteSize.GiB)], 0.02m);

        WeeklyChange change = await changes.ForAsync("data", "/srv/data/data", ByteSize.TiB, CancellationToken.None);

        Assert.AreEqual(
            new WeeklyChange(
                ByteSize.TiB / 50,
                ChangeSource.Share,
                "--weekly-change: 2.0 % of 1.0 TiB (published: nothing yet)"
            ),
            change
        );
    }

    [TestMethod]
    public async Task ForAsync_ScanOfBarePaths_FoundByTheSubvolumesPath()
    {
        var changes = new WeeklyChanges(
            null,
            "no [s3] bucket is configured",
            [Scan("/srv/data/data/", 9 * ByteSize.GiB)],
            0.01m
        );

        WeeklyChange change = await changes.ForAsync("data", "/srv/data/data", ByteSize.TiB, CancellationToken.None);

        Assert.AreEqual(ChangeSource.Scan, change.Source);
        Assert.AreEqual(9 * ByteSize.GiB, change.Bytes);
        Assert.AreEqual("no [s3] bucket is configured", changes.Unread);
    }

    [TestMethod]
    public async Task ForAsync_S3Unreachable_FallsBackSaysWhyOnceAndAsksNoMore()
    {
        await PublishAsync(ManifestChain.Of("home", (ByteSize.TiB, 0), (ByteSize.GiB, 7)));
        _store.Unreachable = new BackupFailure(
            FailureKind.TryAgainLater,
            "S3 unreachable for 10s (get backup/data/pointer.json: Connection refused)"
        );
        var changes = new WeeklyChanges(_repository, null, [Scan("data", 9 * ByteSize.GiB)], 0.01m);

        WeeklyChange data = await changes.ForAsync("data", "/srv/data/data", ByteSize.TiB, CancellationToken.None);
        WeeklyChange home = await changes.ForAsync("home", "/srv/data/home", ByteSize.TiB, CancellationToken.None);

        Assert.AreEqual(ChangeSource.Scan, data.Source);
        Assert.AreEqual(ChangeSource.Share, home.Source);
        Assert.AreEqual("--weekly-change: 1.0 % of 1.0 TiB", home.Basis);
        Assert.AreEqual(
            "from data on: S3 unreachable for 10s (get backup/data/pointer.json: Connection refused)",
            changes.Unread
        );
        Assert.AreEqual(1, _store.GetRequests);
    }

    [TestMethod]
    public async Task ForAsync_PointerUnreadable_OnlyThatSubvolumeFallsBack()
    {
        _store.Put(_repository.PointerKey("data"), Encoding.UTF8.GetBytes("{ not json"));
        await PublishAsync(ManifestChain.Of("home", (ByteSize.TiB, 0), (ByteSize.GiB, 7)));
        var changes = new WeeklyChanges(_repository, null, [], 0.01m);

        WeeklyChange data = await changes.ForAsync("data", "/srv/data/data", ByteSize.TiB, CancellationToken.None);
        WeeklyChange home = await changes.ForAsync("home", "/srv/data/home", ByteSize.TiB, CancellationToken.None);

        Assert.AreEqual(ChangeSource.Share, data.Source);
        StringAssert.Contains(data.Basis, "(published: mem://backup/data/pointer.json");
        Assert.AreEqual(
            new WeeklyChange(
                ByteSize.GiB,
                ChangeSource.Published,
                "published: 1 incremental of 1.0 GiB in 7.0 days of generation 20260104T020000Z"
            ),
            home
        );
        Assert.IsNull(changes.Unread);
    }

    private static GrowthScan Scan(string subvolume, long weekly) =>
        new(subvolume, ByteSize.TiB, weekly, 7, weekly, ScannedAt);

    private async Task PublishAsync(IReadOnlyList<Manifest> chain)
    {
        foreach (Manifest manifest in chain)
        {
            await _repository.PutManifestAsync(manifest, CancellationToken.None);
        }

        await _repository.WritePointerAsync(
            new Pointer(
                FormatJson.Version,
                chain[0].Subvolume,
                null,
                chain[0].Source,
                chain[0].Generation,
                ManifestChain.Start,
                [new PointerGeneration(chain[0].Generation, [.. chain.Select(_repository.ManifestKey)])]
            ),
            null,
            CancellationToken.None
        );
    }
}
