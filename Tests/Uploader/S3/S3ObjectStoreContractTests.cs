using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.Uploader.S3;

/// <summary><see cref="ObjectStoreContract"/> over the uploader's store on the real local S3 server, a bucket per
/// test.</summary>
[TestClass]
public sealed class S3ObjectStoreContractTests : ObjectStoreContract
{
    private LocalS3 _s3 = null!;
    private S3ObjectStore _store = null!;

    private protected override IObjectStore Store => _store;

    [TestInitialize]
    public void SetUp()
    {
        _s3 = LocalS3.Create();
        _store = LocalS3.Store(_s3.Client, _s3.Bucket, TimeSpan.FromSeconds(30));
    }

    [TestCleanup]
    public void TearDown() => _s3?.Dispose();
}
