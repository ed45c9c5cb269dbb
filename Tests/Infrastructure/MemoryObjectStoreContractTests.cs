using BtrfsToS3.Tests.Uploader.S3;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary><see cref="ObjectStoreContract"/> over <see cref="MemoryObjectStore"/>: the unit tests' stand-in does what
/// S3 does.</summary>
[TestClass]
public sealed class MemoryObjectStoreContractTests : ObjectStoreContract
{
    private readonly MemoryObjectStore _store = new();

    private protected override IObjectStore Store => _store;
}
