using System.Text;
using System.Text.Json;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.Uploader.Repository;

/// <summary>The repository's own logic (keys, formats, put-once, batching) on an in-memory store; S3 itself is tested
/// against the real server.</summary>
[TestClass]
public sealed class BackupRepositoryTests
{
    private const string Generation = "20261125T020000Z";

    private static readonly SourceRef Owner = new(
        "0f1e2d3c-0000-4000-8000-000000000001",
        "5a6b7c8d-0000-4000-8000-000000000002"
    );

    private readonly MemoryObjectStore _store = new();

    private readonly BackupRepository _repository;

    public BackupRepositoryTests() =>
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
    public void Keys_OfAStream_FollowTheDocumentedLayout()
    {
        Manifest manifest = Manifest("data.20261202T020000Z", "sha-a");

        Assert.AreEqual("backup/data/pointer.json", _repository.PointerKey("data"));
        Assert.AreEqual(
            "backup/data/20261125T020000Z/data.20261202T020000Z/manifest.json",
            _repository.ManifestKey(manifest)
        );
        Assert.AreEqual(
            "backup/data/20261125T020000Z/data.20261202T020000Z/chunk-000003",
            _repository.ChunkKey(manifest, "chunk-000003")
        );
    }

    [TestMethod]
    public async Task PutManifestAsync_KeyFree_WritesIt()
    {
        Manifest manifest = Manifest("data.20261202T020000Z", "sha-a");

        Assert.IsTrue((await _repository.PutManifestAsync(manifest, CancellationToken.None)).Written);

        Manifest? read = await _repository.ReadManifestAsync(_repository.ManifestKey(manifest), CancellationToken.None);
        Assert.IsTrue(read!.SameStreamAs(manifest));
    }

    [TestMethod]
    public async Task PutManifestAsync_SameStreamWrittenBefore_KeepsItAndSaysSo()
    {
        Manifest manifest = Manifest("data.20261202T020000Z", "sha-a");
        await _repository.PutManifestAsync(manifest, CancellationToken.None);
        byte[] first = (
            await _store.GetAsync(_repository.ManifestKey(manifest), null, long.MaxValue, CancellationToken.None)
        )!.Bytes;

        Assert.IsFalse(
            (
                await _repository.PutManifestAsync(
                    manifest with
                    {
                        PublishedAt = manifest.PublishedAt.AddHours(1),
                    },
                    CancellationToken.None
                )
            ).Written
        );

        CollectionAssert.AreEqual(
            first,
            (
                await _store.GetAsync(_repository.ManifestKey(manifest), null, long.MaxValue, CancellationToken.None)
            )!.Bytes
        );
    }

    [TestMethod]
    public async Task PutManifestAsync_AnotherStreamThere_IsBadDataAndNeverOverwritten()
    {
        Manifest manifest = Manifest("data.20261202T020000Z", "sha-a");
        await _repository.PutManifestAsync(manifest, CancellationToken.None);

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            _repository.PutManifestAsync(Manifest("data.20261202T020000Z", "sha-b"), CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        Assert.AreEqual(
            $"manifest {_repository.ManifestKey(manifest)} already exists and describes another stream; it is never overwritten",
            failure.Message
        );
        Assert.AreEqual(
            ValidFormat.Sha256("sha-a"),
            (await _repository.ReadManifestAsync(_repository.ManifestKey(manifest), CancellationToken.None))!.Sha256
        );
    }

    [TestMethod]
    public async Task ReadPointerAsync_NothingPublished_IsNull() =>
        Assert.IsNull(await _repository.ReadPointerAsync("data", CancellationToken.None));

    [TestMethod]
    public async Task ReadPointerAsync_OtherFormatVersion_IsBadDataNamingTheObject()
    {
        var pointer = new Pointer(
            3,
            "data",
            null,
            Owner,
            Generation,
            DateTimeOffset.UnixEpoch,
            [new PointerGeneration(Generation, ["m"])]
        );
        _store.Put(
            "backup/data/pointer.json",
            JsonSerializer.SerializeToUtf8Bytes(pointer, FormatJson.Default.Pointer)
        );

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            _repository.ReadPointerAsync("data", CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        Assert.AreEqual(
            "mem://backup/data/pointer.json: format version 3, but this build reads version 2",
            failure.Message
        );
    }

    [TestMethod]
    public async Task ReadManifestAsync_NotJson_IsBadData()
    {
        _store.Put("backup/data/x/manifest.json", Encoding.UTF8.GetBytes("{ not json"));

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            _repository.ReadManifestAsync("backup/data/x/manifest.json", CancellationToken.None)
        );

        StringAssert.StartsWith(failure.Message, "mem://backup/data/x/manifest.json: not a valid Manifest:");
    }

    [TestMethod]
    public async Task WritePointerAsync_ThenRead_GivesTheSamePointer()
    {
        var pointer = new Pointer(
            FormatJson.Version,
            "data",
            null,
            Owner,
            Generation,
            DateTimeOffset.UnixEpoch,
            [new PointerGeneration(Generation, [ManifestKeyOf(Generation), ManifestKeyOf("20261202T020000Z")])]
        );

        Assert.IsTrue(await _repository.WritePointerAsync(pointer, null, CancellationToken.None));

        Pointer read = (await _repository.ReadPointerAsync("data", CancellationToken.None))!;
        Assert.AreEqual(Generation, read.CurrentGeneration);
        Assert.AreEqual(Owner, read.Owner);
        CollectionAssert.AreEqual(
            new[] { ManifestKeyOf(Generation), ManifestKeyOf("20261202T020000Z") },
            read.Generations[0].Manifests.ToArray()
        );
    }

    [TestMethod]
    public async Task WritePointerAsync_FirstPointerWhereOneAppeared_IsRefused()
    {
        var pointer = new Pointer(
            FormatJson.Version,
            "data",
            null,
            Owner,
            Generation,
            DateTimeOffset.UnixEpoch,
            [new PointerGeneration(Generation, [ManifestKeyOf(Generation)])]
        );
        Assert.IsTrue(await _repository.WritePointerAsync(pointer, null, CancellationToken.None));

        Assert.IsFalse(
            await _repository.WritePointerAsync(
                pointer with
                {
                    CurrentGeneration = "other",
                },
                null,
                CancellationToken.None
            )
        );

        Assert.AreEqual(
            Generation,
            (await _repository.ReadPointerAsync("data", CancellationToken.None))!.CurrentGeneration
        );
    }

    [TestMethod]
    public async Task WritePointerAsync_OverAVersionSinceChanged_IsRefused()
    {
        var pointer = new Pointer(
            FormatJson.Version,
            "data",
            null,
            Owner,
            Generation,
            DateTimeOffset.UnixEpoch,
            [new PointerGeneration(Generation, [ManifestKeyOf(Generation)])]
        );
        await _repository.WritePointerAsync(pointer, null, CancellationToken.None);
        StoredPointer first = (await _repository.ReadPointerForUpdateAsync("data", CancellationToken.None))!;
        Assert.IsTrue(
            await _repository.WritePointerAsync(
                pointer with
                {
                    UpdatedAt = DateTimeOffset.UnixEpoch.AddDays(1),
                },
                first.Etag,
                CancellationToken.None
            )
        );

        Assert.IsFalse(
            await _repository.WritePointerAsync(
                pointer with
                {
                    CurrentGeneration = "stale",
                },
                first.Etag,
                CancellationToken.None
            )
        );

        Assert.AreEqual(
            Generation,
            (await _repository.ReadPointerAsync("data", CancellationToken.None))!.CurrentGeneration
        );
    }

    [TestMethod]
    public async Task DeleteObjectsAsync_ManyObjects_DeletesThemInRequestsOfAtMostAThousand()
    {
        for (int i = 0; i < 2500; i++)
        {
            _store.Put($"backup/data/{Generation}/data.{Generation}/chunk-{i:D6}", [1, 2]);
        }

        _store.Put("backup/data/20270525T020000Z/data.20270525T020000Z/chunk-000000", [1]);
        IReadOnlyList<StoredObject> generation = await _store.ListAsync(
            $"backup/data/{Generation}/",
            CancellationToken.None
        );

        await _repository.DeleteObjectsAsync(generation, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { 1000, 1000, 500 }, _store.DeleteRequests);
        CollectionAssert.AreEqual(
            new[] { "backup/data/20270525T020000Z/data.20270525T020000Z/chunk-000000" },
            _store.Keys.ToArray()
        );
    }

    [TestMethod]
    public async Task AbortUploadsStartedBeforeAsync_OldAndNewUploads_AbortsOnlyTheOldUnderThePrefix()
    {
        DateTimeOffset now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
        var old = new PendingUpload($"backup/data/{Generation}/data.{Generation}/chunk-000000", "1", now.AddDays(-2));
        var fresh = new PendingUpload(
            $"backup/data/{Generation}/data.{Generation}/chunk-000001",
            "2",
            now.AddMinutes(-5)
        );
        var foreign = new PendingUpload("elsewhere/chunk-000000", "3", now.AddDays(-9));
        var notOurs = new PendingUpload("backup/data/2019-photos/video.mp4", "4", now.AddDays(-9));
        _store.Uploads.AddRange([old, fresh, foreign, notOurs]);

        IReadOnlyList<PendingUpload> aborted = await _repository.AbortUploadsStartedBeforeAsync(
            now.AddDays(-1),
            new HashSet<string>(),
            CancellationToken.None
        );

        CollectionAssert.AreEqual(new[] { old }, aborted.ToArray());
        CollectionAssert.AreEquivalent(new[] { fresh, foreign, notOurs }, _store.Uploads);
    }

    [TestMethod]
    public async Task AbortUploadsStartedBeforeAsync_OldUploadAnUploadRecordNames_IsKeptForResuming()
    {
        DateTimeOffset now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
        var resumable = new PendingUpload(
            $"backup/data/{Generation}/data.{Generation}/chunk-000000",
            "1",
            now.AddDays(-3)
        );
        var orphan = new PendingUpload(
            $"backup/data/{Generation}/data.{Generation}/chunk-000001",
            "2",
            now.AddDays(-3)
        );
        _store.Uploads.AddRange([resumable, orphan]);

        IReadOnlyList<PendingUpload> aborted = await _repository.AbortUploadsStartedBeforeAsync(
            now.AddDays(-1),
            new HashSet<string> { "1" },
            CancellationToken.None
        );

        CollectionAssert.AreEqual(new[] { orphan }, aborted.ToArray());
        CollectionAssert.AreEqual(new[] { resumable }, _store.Uploads);
    }

    /// <summary>The key of the manifest of data's stream at <paramref name="time"/> in the test's generation.</summary>
    private static string ManifestKeyOf(string time) =>
        ObjectKeys.Manifest(ValidFormat.Prefix, "data", Generation, $"data.{time}");

    private static Manifest Manifest(string stream, string sha256)
    {
        var header = new StreamHeader
        {
            FormatVersion = FormatJson.Version,
            Stream = stream,
            Subvolume = "data",
            Nested = null,
            NestedPaths = [],
            Kind = StreamKind.Incremental,
            Source = new SourceRef("0f1e2d3c-0000-4000-8000-000000000001", "5a6b7c8d-0000-4000-8000-000000000002"),
            Snapshot = new SnapshotRef(stream, ValidFormat.Uuid(2)),
            Parent = new SnapshotRef($"data.{Generation}", ValidFormat.Uuid(1)),
            Generation = Generation,
            ChainPosition = 1,
            ChunkSize = 10 * ByteSize.MiB,
            PartSize = 5 * ByteSize.MiB,
            SendCommand = ["btrfs", "send", stream],
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
        Seal seal = Seal.Of(
            header,
            [],
            1000,
            ValidFormat.Sha256(sha256),
            "btrfs-progs v6.2",
            "6.1",
            DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch
        );
        return BtrfsToS3.Shared.Publishing.Manifest.Of(
            seal,
            ObjectKeys.Manifest(ValidFormat.Prefix, "data", Generation, $"data.{Generation}"),
            DateTimeOffset.UnixEpoch,
            "DEEP_ARCHIVE",
            ValidFormat.Chunks(header, 1000)
        );
    }
}
