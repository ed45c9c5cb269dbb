using System.Security.Cryptography;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Publish;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.Upload;

namespace BtrfsToS3.Tests.Uploader.Publish;

/// <summary>
/// A sealed stream's catalog is in S3 before the manifest that names it, and a damaged one is never sent: pure logic
/// over an in-memory store (the catalog of a real stream on the real server is in the catalog's end-to-end tests).
/// </summary>
[TestClass]
public sealed class PublisherCatalogTests
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
    private readonly byte[] _catalog = RandomNumberGenerator.GetBytes(5000);
    private BackupRepository _repository = null!;
    private SpooledChunk _spooled = null!;
    private TempDirectory _state = null!;
    private RecordingLogger _log = null!;

    [TestInitialize]
    public async Task SealAStreamWithACatalog()
    {
        _state = new TempDirectory("state");
        _log = new RecordingLogger();
        _repository = new BackupRepository(_store, Options);
        _spooled = await SpooledChunk.CreateAsync(ByteSize.MiB, 5 * ByteSize.MiB);
        await _spooled.UploadAndSealAsync(new ChunkStore(_store, Options, locks: null), _repository, _catalog);
    }

    [TestCleanup]
    public void Remove()
    {
        _spooled?.Dispose();
        _state?.Dispose();
    }

    [TestMethod]
    public async Task TryPublishAsync_SealNamesACatalog_ItIsAtItsKeyAndTheManifestNamesIt()
    {
        Seal seal = (await Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None))!;

        Manifest manifest = (await _repository.ReadManifestAsync(_repository.ManifestKey(seal), default))!;
        string key = ObjectKeys.Catalog("backup/", seal.Subvolume, seal.Generation, seal.Stream);
        Assert.AreEqual(
            new ManifestCatalog(key, _catalog.Length, Convert.ToHexStringLower(SHA256.HashData(_catalog)), "null"),
            manifest.Catalog! with
            {
                Version = "null",
            }
        );
        CollectionAssert.AreEqual(_catalog, _store.Get(key));
    }

    [TestMethod]
    public async Task TryPublishAsync_CatalogDamagedOnTheSpool_PublishedWithoutOneAndTheErrorNamesIt()
    {
        byte[] damaged = (byte[])_catalog.Clone();
        damaged[100] ^= 0xff;
        File.WriteAllBytes(_spooled.Stream.CatalogPath, damaged);

        Seal seal = (await Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None))!;

        Manifest manifest = (await _repository.ReadManifestAsync(_repository.ManifestKey(seal), default))!;
        Assert.IsNull(manifest.Catalog);
        Assert.IsFalse(
            _store.Keys.Any(k => k.EndsWith("/catalog", StringComparison.Ordinal)),
            "a damaged catalog went"
        );
        StringAssert.Contains(
            _log.Entries.Single(e => e.Event.Name == "CatalogDamaged").Message,
            $"catalog {_spooled.Stream.CatalogPath} is 5000 bytes with SHA-256"
        );
    }

    [TestMethod]
    public async Task TryPublishAsync_CatalogAlreadyAtItsKey_NotSentAgain()
    {
        Seal seal = _spooled.Stream.ReadSeal();
        string key = ObjectKeys.Catalog("backup/", seal.Subvolume, seal.Generation, seal.Stream);
        await _repository.PutCatalogAsync(seal, CatalogFile.Read(_spooled.Stream.CatalogPath), default);
        int before = _store.PutRequests;

        await Publisher().TryPublishAsync(_spooled.Stream, CancellationToken.None);

        Assert.AreEqual(before + 2, _store.PutRequests, "only the manifest and the pointer were written");
        CollectionAssert.AreEqual(_catalog, _store.Get(key));
    }

    private Publisher Publisher() => new(_repository, _state.Path, new HashSet<string>(), TimeProvider.System, _log);
}
