using System.Security.Cryptography;
using System.Text;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.Uploader.S3;

/// <summary>
/// What every <see cref="IObjectStore"/> must do, run over each implementation (as restic runs one suite over its
/// backends): <see cref="S3ObjectStoreContractTests"/> on the real local server, which is the truth, and
/// <see cref="Infrastructure.MemoryObjectStoreContractTests"/>, so that the unit tests standing on the memory store
/// stand on S3's behaviour and not on a guess of it. A case that the memory store fails is a place where the unit
/// tests would have claimed something S3 does not do.
/// </summary>
public abstract class ObjectStoreContract
{
    private const string Prefix = "backup/data/";
    private static readonly ObjectWrite Plain = new("STANDARD", "application/json", IfNoneMatch: false);
    private static readonly ChunkWrite Chunk = new("STANDARD", new string('0', 64), Crc32: null);

    private TempDirectory _files = null!;

    /// <summary>The store under test, over an empty bucket of its own.</summary>
    private protected abstract IObjectStore Store { get; }

    [TestInitialize]
    public void MakeFiles() => _files = new TempDirectory("contract");

    [TestCleanup]
    public void RemoveFiles() => _files?.Dispose();

    [TestMethod]
    public async Task GetAsync_NoSuchKey_Null() =>
        Assert.IsNull(await Store.GetAsync(Prefix + "missing", null, 1024, CancellationToken.None));

    [TestMethod]
    public async Task GetAsync_Present_TheBytesWithTheirEtag()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"format_version\": 2}");
        await Store.PutAsync(Prefix + "pointer.json", body, Plain, CancellationToken.None);

        ObjectBody read = (await Store.GetAsync(Prefix + "pointer.json", null, 1024, CancellationToken.None))!;

        CollectionAssert.AreEqual(body, read.Bytes);
        Assert.AreEqual(Md5(body), S3Etag.Normalize(read.Etag));
        Assert.IsNull(read.Signature);
    }

    [TestMethod]
    public async Task GetAsync_LargerThanMaxBytes_RefusedAsBadData()
    {
        await Store.PutAsync(Prefix + "big", new byte[2048], Plain, CancellationToken.None);

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            Store.GetAsync(Prefix + "big", null, 2047, CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
    }

    [TestMethod]
    public async Task PutAsync_IfNoneMatchOnAFreeKey_Writes()
    {
        ObjectWritten? written = await Store.PutAsync(
            Prefix + "new",
            "first"u8.ToArray(),
            Plain with
            {
                IfNoneMatch = true,
            },
            CancellationToken.None
        );

        Assert.IsNotNull(written);
        Assert.AreEqual("first", await Text(Prefix + "new"));
    }

    [TestMethod]
    public async Task PutAsync_IfNoneMatchOnATakenKey_NullAndTheObjectStays()
    {
        await Store.PutAsync(Prefix + "taken", "first"u8.ToArray(), Plain, CancellationToken.None);

        ObjectWritten? written = await Store.PutAsync(
            Prefix + "taken",
            "second"u8.ToArray(),
            Plain with
            {
                IfNoneMatch = true,
            },
            CancellationToken.None
        );

        Assert.IsNull(written);
        Assert.AreEqual("first", await Text(Prefix + "taken"));
    }

    [TestMethod]
    public async Task PutAsync_IfMatchOnTheEtagRead_Writes()
    {
        await Store.PutAsync(Prefix + "pointer.json", "one"u8.ToArray(), Plain, CancellationToken.None);
        ObjectBody read = (await Store.GetAsync(Prefix + "pointer.json", null, 1024, CancellationToken.None))!;

        ObjectWritten? written = await Store.PutAsync(
            Prefix + "pointer.json",
            "two"u8.ToArray(),
            Plain with
            {
                IfMatch = read.Etag,
            },
            CancellationToken.None
        );

        Assert.IsNotNull(written);
        Assert.AreEqual("two", await Text(Prefix + "pointer.json"));
    }

    [TestMethod]
    public async Task PutAsync_IfMatchOnAnEtagSinceReplaced_NullAndTheOtherWriteStays()
    {
        await Store.PutAsync(Prefix + "pointer.json", "one"u8.ToArray(), Plain, CancellationToken.None);
        ObjectBody read = (await Store.GetAsync(Prefix + "pointer.json", null, 1024, CancellationToken.None))!;
        await Store.PutAsync(Prefix + "pointer.json", "another writer"u8.ToArray(), Plain, CancellationToken.None);

        ObjectWritten? written = await Store.PutAsync(
            Prefix + "pointer.json",
            "stale"u8.ToArray(),
            Plain with
            {
                IfMatch = read.Etag,
            },
            CancellationToken.None
        );

        Assert.IsNull(written);
        Assert.AreEqual("another writer", await Text(Prefix + "pointer.json"));
    }

    [TestMethod]
    public async Task PutAsync_WithASignature_ReadBackBesideTheBytesAndGoneWhenRewrittenWithout()
    {
        const string Signature = "ed25519:AAAA ed25519-signature:BBBB";
        await Store.PutAsync(
            Prefix + "manifest.json",
            "signed"u8.ToArray(),
            Plain with
            {
                Signature = Signature,
            },
            CancellationToken.None
        );
        string? signed = (
            await Store.GetAsync(Prefix + "manifest.json", null, 1024, CancellationToken.None)
        )!.Signature;

        await Store.PutAsync(Prefix + "manifest.json", "unsigned"u8.ToArray(), Plain, CancellationToken.None);
        string? unsigned = (
            await Store.GetAsync(Prefix + "manifest.json", null, 1024, CancellationToken.None)
        )!.Signature;

        Assert.AreEqual(Signature, signed);
        Assert.IsNull(unsigned);
    }

    [TestMethod]
    public async Task HeadAsync_NoSuchKey_Null() =>
        Assert.IsNull(await Store.HeadAsync(Prefix + "missing", CancellationToken.None));

    [TestMethod]
    public async Task HeadAsync_Present_SizeEtagAndStandardClass()
    {
        byte[] body = new byte[1000];
        await Store.PutAsync(Prefix + "object", body, Plain, CancellationToken.None);

        ObjectHead head = (await Store.HeadAsync(Prefix + "object", CancellationToken.None))!;

        Assert.AreEqual(
            (1000L, Md5(body), "STANDARD", false),
            (head.Size, S3Etag.Normalize(head.Etag), head.StorageClass, head.ThawOngoing)
        );
    }

    [TestMethod]
    public async Task HeadAsync_PutFromAFile_TheSha256MetadataAndTheMd5Etag()
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(3000);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));

        await Store.PutFileAsync(
            Prefix + "catalog",
            Part(bytes, 1, 0, bytes.Length),
            Chunk with
            {
                Sha256 = sha256,
            },
            _ => { },
            CancellationToken.None
        );

        ObjectHead head = (await Store.HeadAsync(Prefix + "catalog", CancellationToken.None))!;
        Assert.AreEqual((3000L, Md5(bytes), sha256), (head.Size, S3Etag.Normalize(head.Etag), head.Sha256));
    }

    [TestMethod]
    public async Task ListAsync_Prefix_EveryObjectUnderItWithItsSizeAndNoOther()
    {
        await Store.PutAsync(Prefix + "a", new byte[1], Plain, CancellationToken.None);
        await Store.PutAsync(Prefix + "sub/b", new byte[2], Plain, CancellationToken.None);
        await Store.PutAsync("backup/other/c", new byte[3], Plain, CancellationToken.None);

        IReadOnlyList<StoredObject> listed = await Store.ListAsync(Prefix, CancellationToken.None);

        CollectionAssert.AreEquivalent(
            new[] { (Prefix + "a", 1L), (Prefix + "sub/b", 2L) },
            listed.Select(o => (o.Key, o.Size)).ToArray()
        );
    }

    [TestMethod]
    public async Task ListFoldersAsync_Prefix_TheFoldersRightBelowEachOnce()
    {
        await Store.PutAsync(Prefix + "20261125T020000Z/one/chunk", new byte[1], Plain, CancellationToken.None);
        await Store.PutAsync(Prefix + "20261125T020000Z/two/chunk", new byte[1], Plain, CancellationToken.None);
        await Store.PutAsync(Prefix + "20270525T020000Z/one/chunk", new byte[1], Plain, CancellationToken.None);
        await Store.PutAsync(Prefix + "pointer.json", new byte[1], Plain, CancellationToken.None);

        IReadOnlyList<string> folders = await Store.ListFoldersAsync(Prefix, CancellationToken.None);

        CollectionAssert.AreEquivalent(
            new[] { Prefix + "20261125T020000Z/", Prefix + "20270525T020000Z/" },
            folders.ToArray()
        );
    }

    [TestMethod]
    public async Task DeleteAsync_SomeKeysNoneOfThemThere_TheOthersStay()
    {
        await Store.PutAsync(Prefix + "a", new byte[1], Plain, CancellationToken.None);
        await Store.PutAsync(Prefix + "b", new byte[1], Plain, CancellationToken.None);

        await Store.DeleteAsync([Prefix + "a", Prefix + "never-there"], CancellationToken.None);

        CollectionAssert.AreEqual(
            new[] { Prefix + "b" },
            (await Store.ListAsync(Prefix, CancellationToken.None)).Select(o => o.Key).ToArray()
        );
        Assert.IsNull(await Store.HeadAsync(Prefix + "a", CancellationToken.None));
    }

    [TestMethod]
    public async Task CompleteUploadAsync_TwoParts_TheObjectIsTheirBytesInOrderAndTheUploadIsGone()
    {
        // S3's smallest part but the last is 5 MiB.
        byte[] bytes = RandomNumberGenerator.GetBytes((5 * 1024 * 1024) + 1234);
        string key = Prefix + "chunk-000000";
        string uploadId = await Store.StartUploadAsync(key, Chunk, CancellationToken.None);
        PendingUpload pending = (await Store.ListUploadsAsync(Prefix, CancellationToken.None)).Single();
        (string first, _) = await Store.UploadPartAsync(
            key,
            uploadId,
            Part(bytes, 1, 0, 5 * 1024 * 1024),
            _ => { },
            CancellationToken.None
        );
        (string second, _) = await Store.UploadPartAsync(
            key,
            uploadId,
            Part(bytes, 2, 5 * 1024 * 1024, 1234),
            _ => { },
            CancellationToken.None
        );
        IReadOnlyList<StoredPart> parts = (await Store.ListPartsAsync(key, uploadId, CancellationToken.None))!;

        await Store.CompleteUploadAsync(
            key,
            uploadId,
            [new CompletedPart(1, first, null), new CompletedPart(2, second, null)],
            null,
            CancellationToken.None
        );

        Assert.AreEqual((key, uploadId), (pending.Key, pending.UploadId));
        Assert.AreEqual(
            (1, S3Etag.Normalize(first), 5L * 1024 * 1024),
            (parts[0].Number, S3Etag.Normalize(parts[0].Etag), parts[0].Size)
        );
        Assert.AreEqual(
            (2, S3Etag.Normalize(second), 1234L),
            (parts[1].Number, S3Etag.Normalize(parts[1].Etag), parts[1].Size)
        );
        Assert.AreEqual(Md5(bytes.AsSpan(0, 5 * 1024 * 1024).ToArray()), S3Etag.Normalize(first));
        CollectionAssert.AreEqual(bytes, await Read(key, null));
        ObjectHead head = (await Store.HeadAsync(key, CancellationToken.None))!;
        Assert.AreEqual((long)bytes.Length, head.Size);
        StringAssert.EndsWith(S3Etag.Normalize(head.Etag), "-2", "a multipart object's ETag names its part count");
        Assert.IsEmpty(await Store.ListUploadsAsync(Prefix, CancellationToken.None));
    }

    [TestMethod]
    public async Task AbortUploadAsync_Started_NoUploadNoPartsAndNoObject()
    {
        string key = Prefix + "chunk-000001";
        string uploadId = await Store.StartUploadAsync(key, Chunk, CancellationToken.None);
        byte[] bytes = RandomNumberGenerator.GetBytes(1000);
        await Store.UploadPartAsync(key, uploadId, Part(bytes, 1, 0, bytes.Length), _ => { }, CancellationToken.None);

        await Store.AbortUploadAsync(
            (await Store.ListUploadsAsync(Prefix, CancellationToken.None)).Single(),
            CancellationToken.None
        );

        Assert.IsEmpty(await Store.ListUploadsAsync(Prefix, CancellationToken.None));
        Assert.IsNull(await Store.ListPartsAsync(key, uploadId, CancellationToken.None));
        Assert.IsNull(await Store.HeadAsync(key, CancellationToken.None));
        await Assert.ThrowsExactlyAsync<UploadGoneException>(() =>
            Store.UploadPartAsync(key, uploadId, Part(bytes, 2, 0, bytes.Length), _ => { }, CancellationToken.None)
        );
    }

    [TestMethod]
    public async Task ReadAsync_Range_TheBytesOfTheRangeInclusive()
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(10_000);
        await Store.PutAsync(Prefix + "object", bytes, Plain, CancellationToken.None);

        CollectionAssert.AreEqual(bytes[100..201], await Read(Prefix + "object", (100, 200)));
    }

    private static string Md5(byte[] body) => Convert.ToHexStringLower(MD5.HashData(body));

    /// <summary>The part of <paramref name="bytes"/> from a file, as the spool hands parts to the store.</summary>
    private PartWrite Part(byte[] bytes, int number, long offset, long length)
    {
        string path = _files.File($"part-{number}");
        File.WriteAllBytes(path, bytes);
        return new PartWrite(
            number,
            path,
            offset,
            length,
            Md5(bytes.AsSpan((int)offset, (int)length).ToArray()),
            Crc32: null
        );
    }

    private async Task<byte[]> Read(string key, (long First, long Last)? range)
    {
        using var buffer = new MemoryStream();
        await Store.ReadAsync(key, null, range, (stream, ct) => stream.CopyToAsync(buffer, ct), CancellationToken.None);
        return buffer.ToArray();
    }

    private async Task<string> Text(string key) => Encoding.UTF8.GetString(await Read(key, null));
}
