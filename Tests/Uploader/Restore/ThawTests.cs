using Amazon.S3;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Commands;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.Restore;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Uploader.Restore;

/// <summary>The thaw state machine of a restore from Deep Archive, through <see cref="ArchiveEmulator"/> over the real
/// server.</summary>
[TestClass]
public sealed class ThawTests : BtrfsAndS3Test
{
    private string _config = null!;
    private BackupOptions _options = null!;

    protected override int DataMiB => 6;

    [TestInitialize]
    public void BackUp()
    {
        _config = _fx.WriteConfig(
            2 * ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s\n[restore]\npoll_interval = 1s"
        );
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", _config).Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", _config).Code);
        _options = ConfigLoader.Load(_config, new Dictionary<string, string>());
    }

    [TestMethod]
    public async Task Restore_ArchivedChain_RequestsWaitsForPartialReadinessThenReceives()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var emulator = new ArchiveEmulator(clock, TimeSpan.FromHours(48));
        using var s3 = LocalS3.CreateClient(_s3.Endpoint, emulator);
        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored")).FullName;
        var command = new RestoreCommand(Repository(s3), _options, clock, NullLogger.Instance);
        int chunks = Published
            .ReadManifest(_s3, Published.ReadPointer(_s3, "data")!.Generations[0].Manifests[0])
            .Chunks.Count;
        string first = Published
            .ReadManifest(_s3, Published.ReadPointer(_s3, "data")!.Generations[0].Manifests[0])
            .Chunks[0]
            .Key;
        emulator.ThawTimeOf[first] = TimeSpan.FromHours(1);

        Assert.AreEqual(
            ExitCodes.Ok,
            await command.RunAsync(Request(target, requestOnly: true), CancellationToken.None)
        );
        Assert.AreEqual(chunks, emulator.RestoreRequests);
        StringAssert.Contains(File.ReadAllText(Path.Combine(_fx.State, "thaw-data.json")), "\"tier\": \"Bulk\"");

        BackupFailure notYet = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            command.RunAsync(Request(target), CancellationToken.None)
        );
        Assert.AreEqual(FailureKind.TryAgainLater, notYet.Kind);
        StringAssert.Contains(notYet.Message, $"0 of {chunks} chunks thawed");
        StringAssert.Contains(notYet.Message, "expected by");
        Assert.AreEqual(chunks, emulator.RestoreRequests, "a thaw in progress was requested again");

        clock.Advance(TimeSpan.FromHours(2));
        BackupFailure partly = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            command.RunAsync(Request(target), CancellationToken.None)
        );
        StringAssert.Contains(partly.Message, $"1 of {chunks} chunks thawed");
        Assert.IsEmpty(Directory.GetDirectories(target), "something was received before the chain was thawed");

        clock.Advance(TimeSpan.FromHours(47));
        Assert.AreEqual(ExitCodes.Ok, await command.RunAsync(Request(target), CancellationToken.None));
        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(target, "data"));
    }

    [TestMethod]
    public async Task Restore_ThawExpired_IsRequestedAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var emulator = new ArchiveEmulator(clock, TimeSpan.FromHours(12));
        using var s3 = LocalS3.CreateClient(_s3.Endpoint, emulator);
        var command = new RestoreCommand(Repository(s3), _options, clock, NullLogger.Instance);
        await command.RunAsync(Request(null, requestOnly: true), CancellationToken.None);
        int first = emulator.RestoreRequests;
        clock.Advance(TimeSpan.FromHours(13));

        emulator.ExpireAll();
        await command.RunAsync(Request(null, requestOnly: true), CancellationToken.None);

        Assert.AreEqual(2 * first, emulator.RestoreRequests);
    }

    [TestMethod]
    public async Task Restore_Wait_PollsUntilThawedThenReceives()
    {
        using var emulator = new ArchiveEmulator(TimeProvider.System, TimeSpan.FromSeconds(3));
        using var s3 = LocalS3.CreateClient(_s3.Endpoint, emulator);
        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored")).FullName;
        var command = new RestoreCommand(Repository(s3), _options, TimeProvider.System, NullLogger.Instance);

        int code = await command.RunAsync(Request(target) with { Wait = true }, CancellationToken.None);

        Assert.AreEqual(ExitCodes.Ok, code);
        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(target, "data"));
    }

    [TestMethod]
    public async Task Restore_ChunksALifecycleRuleMovedToDeepArchive_AreThawedForTheDaysTheDownloadTakesThenReceived()
    {
        BackUpAFullAs("STANDARD");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var emulator = new ArchiveEmulator(clock, TimeSpan.FromHours(48));
        emulator.Transition(_s3.Bucket, "backup/", "DEEP_ARCHIVE");
        using var s3 = LocalS3.CreateClient(_s3.Endpoint, emulator);
        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored")).FullName;
        var command = new RestoreCommand(Repository(s3), _options, clock, NullLogger.Instance);
        Manifest full = CurrentChain()[0];
        Assert.AreEqual("STANDARD", full.StorageClass, "the manifest must still say STANDARD: that is the trap");
        int archived = full.Chunks.Count(c => c.Size >= ArchiveEmulator.LifecycleMinimumSize);
        Assert.IsGreaterThan(0, archived);

        BackupFailure notYet = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            command.RunAsync(Request(target), CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.TryAgainLater, notYet.Kind, notYet.Message);
        Assert.AreEqual(
            archived,
            emulator.RestoreRequests,
            "chunks moved by the rule were not thawed (or small ones were)"
        );
        Assert.IsTrue(emulator.Thaws.All(t => t.Days == _options.Restore.DaysFor(full.TotalBytes)));
        clock.Advance(TimeSpan.FromHours(49));
        Assert.AreEqual(ExitCodes.Ok, await command.RunAsync(Request(target), CancellationToken.None));
        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(target, "data"));
    }

    [TestMethod]
    public async Task Restore_ExpeditedForAChunkALifecycleRuleMovedToDeepArchive_Exits78NamingIt()
    {
        BackUpAFullAs("STANDARD");
        using var emulator = new ArchiveEmulator(TimeProvider.System, TimeSpan.FromHours(48));
        emulator.Transition(_s3.Bucket, "backup/", "DEEP_ARCHIVE");
        using var s3 = LocalS3.CreateClient(_s3.Endpoint, emulator);
        BackupOptions expedited = _options with
        {
            S3 = _options.S3 with { StorageClassData = "STANDARD" },
            Restore = _options.Restore with { Tier = "Expedited" },
        };

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            new RestoreCommand(Repository(s3), expedited, TimeProvider.System, NullLogger.Instance).RunAsync(
                Request(null, requestOnly: true),
                CancellationToken.None
            )
        );

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        StringAssert.Contains(
            failure.Message,
            "is in DEEP_ARCHIVE, which has no Expedited retrieval: set [restore] tier = Standard or Bulk"
        );
        Assert.AreEqual(0, emulator.RestoreRequests);
    }

    [TestMethod]
    public async Task Restore_ManifestsALifecycleRuleArchived_Exits78SayingWhatToChange()
    {
        using var emulator = new ArchiveEmulator(TimeProvider.System, TimeSpan.FromHours(48));
        emulator.Transition(_s3.Bucket, "backup/", "DEEP_ARCHIVE", minimumSize: 0);
        using var s3 = LocalS3.CreateClient(_s3.Endpoint, emulator);

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            new RestoreCommand(Repository(s3), _options, TimeProvider.System, NullLogger.Instance).RunAsync(
                Request(null, requestOnly: true),
                CancellationToken.None
            )
        );

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        StringAssert.StartsWith(
            failure.Message,
            $"s3://{_s3.Bucket}/backup/data/pointer.json is in an archive storage class and cannot be read at once: a bucket lifecycle rule moved it there"
        );
    }

    [TestMethod]
    public async Task Restore_RerunAfterTheFullWasReceived_ThawsOnlyWhatIsStillToReceive()
    {
        File.WriteAllText(Path.Combine(_fx.Subvolume("data"), "later"), "an incremental");
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", _config).Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", _config).Code);
        IReadOnlyList<Manifest> chain = CurrentChain();
        Assert.HasCount(2, chain);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var emulator = new ArchiveEmulator(clock, TimeSpan.FromHours(12));
        using var s3 = LocalS3.CreateClient(_s3.Endpoint, emulator);
        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored")).FullName;
        var command = new RestoreCommand(Repository(s3), _options, clock, NullLogger.Instance);
        await command.RunAsync(
            Request(target, requestOnly: true) with
            {
                Until = chain[0].Snapshot.Name,
            },
            CancellationToken.None
        );
        clock.Advance(TimeSpan.FromHours(13));
        Assert.AreEqual(
            ExitCodes.Ok,
            await command.RunAsync(Request(target) with { Until = chain[0].Snapshot.Name }, CancellationToken.None)
        );
        emulator.ExpireAll();
        emulator.Thaws.Clear();

        BackupFailure thawing = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            command.RunAsync(Request(target), CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.TryAgainLater, thawing.Kind);
        CollectionAssert.AreEquivalent(
            chain[1].Chunks.Select(c => c.Key).ToList(),
            emulator.Thaws.Select(t => t.Key).ToList(),
            "the received full was thawed again"
        );
        Assert.IsTrue(emulator.Thaws.All(t => t.Days == _options.Restore.DaysFor(chain[1].TotalBytes)));
        clock.Advance(TimeSpan.FromHours(13));
        Assert.AreEqual(ExitCodes.Ok, await command.RunAsync(Request(target), CancellationToken.None));
        Assert.IsTrue(Directory.Exists(Path.Combine(target, chain[1].Snapshot.Name)));
    }

    [TestMethod]
    public async Task RequestThawAsync_ObjectNotInAnArchiveClass_IsReadableAsItIs()
    {
        using var emulator = new ArchiveEmulator(TimeProvider.System, TimeSpan.FromHours(48));
        using var s3 = LocalS3.CreateClient(_s3.Endpoint, emulator);
        string manifest = Published.ReadPointer(_s3, "data")!.Generations[0].Manifests[0];

        ThawAnswer answer = await Repository(s3).RequestThawAsync(manifest, null, 1, "Bulk", CancellationToken.None);

        Assert.AreEqual(ThawAnswer.NotArchived, answer);
    }

    /// <summary>A new full of data, its chunks written in the storage class given.</summary>
    private void BackUpAFullAs(string storageClass)
    {
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", _config, "--full").Code);
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "--config",
            _config,
            "--s3.storage_class_data",
            storageClass
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
    }

    private IReadOnlyList<Manifest> CurrentChain() =>
        [.. Published.ReadPointer(_s3, "data")!.Generations[^1].Manifests.Select(k => Published.ReadManifest(_s3, k))];

    private static RestoreRequest Request(string? target, bool requestOnly = false) =>
        new(
            ["data"],
            target,
            Generation: null,
            Until: null,
            NoNested: false,
            DumpOnly: false,
            RequestOnly: requestOnly,
            Wait: false
        );

    /// <summary>The repository over the real server, with the emulated archive tier between them.</summary>
    private BackupRepository Repository(IAmazonS3 s3) =>
        new(LocalS3.Store(s3, _options.S3.Bucket, _options.Uploader.GiveUpAfter), _options.S3);
}
