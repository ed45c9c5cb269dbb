using Amazon.Runtime;
using Amazon.S3;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Uploader.Commands;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Upload;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// The uploader's repository in the test process, over the local server with AWS's conditional writes in versioned
/// buckets (<see cref="ConditionalWriteEmulator"/>: Ceph RGW 16 refuses every If-Match there and ignores
/// If-None-Match), as the test user or another one: for runs after the first publish to a bucket with Object Lock.
/// </summary>
internal sealed class AwsRepository : IDisposable
{
    private readonly ConditionalWriteEmulator _emulator;
    private readonly AmazonS3Client _client;
    private readonly SigningKey _signingKey;

    /// <param name="credentials">A <see cref="PolicyUser"/>'s keys; null for the test user's.</param>
    public AwsRepository(LocalS3 s3, BackupOptions options, LockPolicy? locks, AWSCredentials? credentials = null)
    {
        _emulator = new ConditionalWriteEmulator(credentials) { InVersionedBuckets = true };
        _client = LocalS3.CreateClient(s3.Endpoint, credentials, _emulator);
        Bandwidth = new BandwidthLimiter(BandwidthSchedule.Off, TimeProvider.System, NullLogger.Instance);
        S3ObjectStore store = LocalS3.Store(_client, options.S3.Bucket, TimeSpan.FromMinutes(1), Bandwidth);
        // Signed with the state directory's key, and checked, as the uploader's run does.
        _signingKey = SigningKey.LoadOrCreate(options.State.Dir);
        Repository = new BackupRepository(
            store,
            options.S3,
            locks,
            SignaturePolicy.For("run", options, _signingKey, [], allowUnsigned: false)
        );
        Chunks = new ChunkStore(store, options.S3, locks);
    }

    public BackupRepository Repository { get; }

    public ChunkStore Chunks { get; }

    public BandwidthLimiter Bandwidth { get; }

    /// <summary>The uploader's run (<c>--once</c>) over this repository; returns its exit code.</summary>
    public int Run(BackupOptions options, ILogger logger) =>
        new RunCommand(Repository, Chunks, options, Bandwidth, new HashSet<string>(), TimeProvider.System, logger)
            .RunAsync(once: true, CancellationToken.None)
            .GetAwaiter()
            .GetResult();

    public void Dispose()
    {
        _client.Dispose();
        _emulator.Dispose();
        _signingKey.Dispose();
    }
}
