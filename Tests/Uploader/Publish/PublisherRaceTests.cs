using System.Text.Json;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Publish;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Upload;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Uploader.Publish;

/// <summary>
/// The publish loop around the pointer's conditional write, when the pointer changes between its read and its write:
/// pure logic over an in-memory store (what S3 answers to conditional writes is proven in S3ObjectStoreTests).
/// </summary>
[TestClass]
public sealed class PublisherRaceTests
{
    private static readonly SourceRef Theirs = new(
        "99999999-0000-4000-8000-000000000009",
        "88888888-0000-4000-8000-000000000008"
    );

    private static readonly S3Options Options = new S3Options(
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
    );

    private readonly MemoryObjectStore _store = new();
    private BackupRepository _repository = null!;
    private SpooledChunk _spooled = null!;
    private TempDirectory _state = null!;

    [TestInitialize]
    public async Task SealAStreamWhoseChunkIsUploaded()
    {
        _repository = new BackupRepository(_store, Options);
        _spooled = await SpooledChunk.CreateAsync(ByteSize.MiB, 5 * ByteSize.MiB);
        _state = new TempDirectory("state");
        await _spooled.UploadAndSealAsync(new ChunkStore(_store, Options, locks: null), _repository);
    }

    [TestCleanup]
    public void Remove()
    {
        _spooled?.Dispose();
        _state.Dispose();
    }

    [TestMethod]
    public async Task TryPublishAsync_AnotherOwnerWritesThePointerBetweenReadAndWrite_RefusesAndKeepsTheirs()
    {
        var theirs = new Pointer(
            FormatJson.Version,
            "data",
            null,
            Theirs,
            "20200101T000000Z",
            DateTimeOffset.UnixEpoch,
            [
                new PointerGeneration(
                    "20200101T000000Z",
                    [ObjectKeys.Manifest("backup/", "data", "20200101T000000Z", "data.20200101T000000Z")]
                ),
            ]
        );
        bool raced = false;
        _store.BeforePut = (key, _, write) =>
        {
            if (key.EndsWith("pointer.json", StringComparison.Ordinal) && write.Conditional && !raced)
            {
                raced = true;
                _store.Put(key, JsonSerializer.SerializeToUtf8Bytes(theirs, FormatJson.Default.Pointer));
            }

            return null;
        };

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        StringAssert.Contains(failure.Message, $"belongs to filesystem {Theirs.FilesystemUuid}");
        Assert.AreEqual(Theirs, (await _repository.ReadPointerAsync("data", CancellationToken.None))!.Owner);
        Assert.IsTrue(_spooled.Stream.Exists, "a refused stream left the spool");
    }

    [TestMethod]
    public async Task TryPublishAsync_AnswerToOurPointerWriteLost_FindsItCommittedAndFinishes()
    {
        bool lost = false;
        _store.BeforePut = (key, body, write) =>
        {
            if (key.EndsWith("pointer.json", StringComparison.Ordinal) && !lost)
            {
                // The write lands, its answer does not; the SDK's retry then finds its own pointer there: 412.
                lost = true;
                _store.Put(key, body);
                return false;
            }

            return null;
        };

        Seal? seal = await Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None);

        Assert.IsNotNull(seal);
        Pointer pointer = (await _repository.ReadPointerAsync("data", CancellationToken.None))!;
        Assert.HasCount(1, pointer.Generations.Single().Manifests);
        Assert.IsFalse(_spooled.Stream.Exists);
    }

    [TestMethod]
    public async Task TryPublishAsync_PointerChangesUnderEveryWrite_GivesUpTryAgainLater()
    {
        _store.BeforePut = (key, _, _) => key.EndsWith("pointer.json", StringComparison.Ordinal) ? false : null;

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.TryAgainLater, failure.Kind);
        StringAssert.Contains(failure.Message, "changed under every one of 5 writes");
    }

    private Publisher Publisher() =>
        new(_repository, _state.Path, new HashSet<string>(), TimeProvider.System, NullLogger.Instance);
}
