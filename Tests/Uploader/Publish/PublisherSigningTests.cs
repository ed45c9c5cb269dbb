using System.Text.Json;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Publish;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.Upload;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Uploader.Publish;

/// <summary>
/// The run signs what it appends to, so it must not append to a pointer someone else wrote: pure logic over an
/// in-memory store (what S3 keeps of a signature is proven in HostileBucketTests against the real server).
/// </summary>
[TestClass]
public sealed class PublisherSigningTests
{
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
    private SigningKey _key = null!;

    [TestInitialize]
    public async Task SealAStreamWhoseChunkIsUploaded()
    {
        _state = new TempDirectory("state");
        _key = SigningKey.LoadOrCreate(_state.Path);
        _repository = new BackupRepository(
            _store,
            Options,
            signatures: new SignaturePolicy(
                new HashSet<string> { _key.PublicKeyText },
                RequireTrusted: false,
                AllowUnsigned: false,
                _key
            )
        );
        _spooled = await SpooledChunk.CreateAsync(ByteSize.MiB, 5 * ByteSize.MiB);
        await _spooled.UploadAndSealAsync(new ChunkStore(_store, Options, locks: null), _repository);
    }

    [TestCleanup]
    public void Remove()
    {
        _key?.Dispose();
        _spooled?.Dispose();
        _state.Dispose();
    }

    [TestMethod]
    public async Task TryPublishAsync_FirstPublish_SignsTheManifestAndPointerAndRecordsTheKey()
    {
        Seal seal = (await Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None))!;

        StoredPointer stored = (await _repository.ReadPointerForUpdateAsync("data", CancellationToken.None))!;
        Assert.AreEqual(_key.PublicKeyText, stored.SignedBy);
        Assert.AreEqual(_key.PublicKeyText, StateFiles.ReadPublished(_state.Path, seal.Subvolume)!.SigningKey);
    }

    [TestMethod]
    public async Task TryPublishAsync_UnsignedPointerWhereTheHostSignedLast_IsBadDataAndWritesNothing()
    {
        Seal seal = _spooled.Stream.ReadSeal();
        StateFiles.WritePublished(
            _state.Path,
            new PublishedSnapshot(
                FormatJson.Version,
                "data",
                seal.Snapshot with
                {
                    Name = "data.20261118T020000Z",
                },
                StreamKind.Full,
                "20261118T020000Z",
                0,
                DateTimeOffset.UtcNow,
                ObjectKeys.Manifest("backup/", "data", "20261118T020000Z", "data.20261118T020000Z"),
                SigningKey: _key.PublicKeyText
            )
        );
        var forged = new Pointer(
            FormatJson.Version,
            "data",
            null,
            seal.Source,
            "20261118T020000Z",
            DateTimeOffset.UnixEpoch,
            [
                new PointerGeneration(
                    "20261118T020000Z",
                    [ObjectKeys.Manifest("backup/", "data", "20261118T020000Z", "data.20261118T020000Z")]
                ),
            ]
        );
        _store.Put(
            _repository.PointerKey("data"),
            JsonSerializer.SerializeToUtf8Bytes(forged, FormatJson.Default.Pointer)
        );

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.Contains(failure.Message, "is not signed, but this host signed the one it published last");
        Assert.IsNull(
            (await _repository.ReadPointerForUpdateAsync("data", CancellationToken.None))!.SignedBy,
            "the forged pointer was signed over"
        );
    }

    [TestMethod]
    public async Task TryPublishAsync_UnsignedPointerOfAnUpgradedHost_GoesOnAndSignsIt()
    {
        Seal seal = _spooled.Stream.ReadSeal();
        var before = new Pointer(
            FormatJson.Version,
            "data",
            null,
            seal.Source,
            "20261118T020000Z",
            DateTimeOffset.UnixEpoch,
            [
                new PointerGeneration(
                    "20261118T020000Z",
                    [ObjectKeys.Manifest("backup/", "data", "20261118T020000Z", "data.20261118T020000Z")]
                ),
            ]
        );
        _store.Put(
            _repository.PointerKey("data"),
            JsonSerializer.SerializeToUtf8Bytes(before, FormatJson.Default.Pointer)
        );

        Assert.IsNotNull(await Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None));

        Assert.AreEqual(
            _key.PublicKeyText,
            (await _repository.ReadPointerForUpdateAsync("data", CancellationToken.None))!.SignedBy
        );
    }

    [TestMethod]
    public async Task TryPublishAsync_PointerSignedByAnUntrustedKey_IsBadDataUnlessTakenOver()
    {
        Seal seal = _spooled.Stream.ReadSeal();
        using var other = new TempDirectory("other");
        using SigningKey otherKey = SigningKey.LoadOrCreate(other.Path);
        var theirs = new Pointer(
            FormatJson.Version,
            "data",
            null,
            seal.Source,
            "20261118T020000Z",
            DateTimeOffset.UnixEpoch,
            [
                new PointerGeneration(
                    "20261118T020000Z",
                    [ObjectKeys.Manifest("backup/", "data", "20261118T020000Z", "data.20261118T020000Z")]
                ),
            ]
        );
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(theirs, FormatJson.Default.Pointer);
        await _store.PutAsync(
            _repository.PointerKey("data"),
            body,
            new BtrfsToS3.Uploader.S3.ObjectWrite(
                "STANDARD",
                "application/json",
                IfNoneMatch: false,
                Signature: otherKey.Sign(body)
            ),
            CancellationToken.None
        );

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None)
        );
        Seal? taken = await new Publisher(
            _repository,
            _state.Path,
            new HashSet<string> { "data" },
            TimeProvider.System,
            NullLogger.Instance
        ).TryPublishAsync(_spooled.Stream, CancellationToken.None);

        StringAssert.Contains(
            failure.Message,
            $"is signed by {otherKey.PublicKeyText}, which is neither this host's key nor in [restore] trusted_keys"
        );
        Assert.IsNotNull(taken);
        Assert.AreEqual(
            _key.PublicKeyText,
            (await _repository.ReadPointerForUpdateAsync("data", CancellationToken.None))!.SignedBy
        );
    }

    private Publisher Publisher() =>
        new(_repository, _state.Path, new HashSet<string>(), TimeProvider.System, NullLogger.Instance);
}
