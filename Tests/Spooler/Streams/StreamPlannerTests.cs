using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Spooler.Streams;
using BtrfsToS3.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Spooler.Streams;

/// <summary>Full or incremental, over a moving clock, against real snapshots.</summary>
[TestClass]
public sealed class StreamPlannerTests
{
    private static readonly DateTimeOffset GenerationStart = new(2026, 1, 4, 2, 0, 0, TimeSpan.Zero);
    private BtrfsFixture _fx = null!;
    private BackupOptions _options = null!;
    private SubvolumeOptions _data = null!;

    [TestInitialize]
    public void SetUp()
    {
        _fx = BtrfsFixture.Create(dataMiB: 1);
        _options = ConfigLoader.Load(
            _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"]),
            new Dictionary<string, string>()
        );
        _data = _options.Subvolumes[0];
    }

    [TestCleanup]
    public void TearDown() => _fx?.Dispose();

    [TestMethod]
    public async Task Plan_AcrossTheCadence_IncrementalUntilFullEveryDaysThenFull()
    {
        SnapshotRef parent = PublishSnapshot(GenerationStart);
        var clock = new FakeTimeProvider(GenerationStart.AddDays(7));
        var planner = new StreamPlanner(_options.Snapshots, _options.State, _options.Schedule, new BtrfsTool(), clock);

        var decisions = new List<(int Day, StreamKind Kind)>();
        foreach (int day in new[] { 7, 14, 90, 181 })
        {
            clock.SetUtcNow(GenerationStart.AddDays(day));
            decisions.Add((day, (await Plan(planner, clock)).Kind));
        }

        clock.SetUtcNow(GenerationStart.AddDays(182));
        StreamPlan due = await Plan(planner, clock);

        Assert.IsTrue(decisions.All(d => d.Kind == StreamKind.Incremental), string.Join(", ", decisions));
        Assert.AreEqual(StreamKind.Full, due.Kind);
        StringAssert.Contains(due.Reason, "started 182 days ago (full_every_days = 182)");
        Assert.AreEqual(SnapshotName.Generation(SnapshotName.Format("data", clock.GetUtcNow())), due.Generation);
        Assert.AreEqual(0, due.ChainPosition);
        // The host's clock set back (AdjustTime: FakeTimeProvider's time otherwise only moves on).
        clock.AdjustTime(GenerationStart.AddDays(8));
        StreamPlan incremental = await Plan(planner, clock);
        Assert.AreEqual(parent, incremental.Parent);
        Assert.AreEqual(SnapshotName.Generation(SnapshotName.Format("data", GenerationStart)), incremental.Generation);
        Assert.AreEqual(4, incremental.ChainPosition);
    }

    [TestMethod]
    public async Task Plan_ClockBeforeTheGeneration_StaysIncremental()
    {
        PublishSnapshot(GenerationStart);
        var clock = new FakeTimeProvider(GenerationStart.AddDays(-3));

        StreamPlan plan = await Plan(
            new StreamPlanner(_options.Snapshots, _options.State, _options.Schedule, new BtrfsTool(), clock),
            clock
        );

        Assert.AreEqual(StreamKind.Incremental, plan.Kind);
    }

    [TestMethod]
    public async Task Plan_ParentDeletedByHand_FallsBackToFull()
    {
        SnapshotRef parent = PublishSnapshot(GenerationStart);
        Shell.Run("btrfs", "subvolume", "delete", Path.Combine(_fx.Snapshots, parent.Name));
        var clock = new FakeTimeProvider(GenerationStart.AddDays(7));

        StreamPlan plan = await Plan(
            new StreamPlanner(_options.Snapshots, _options.State, _options.Schedule, new BtrfsTool(), clock),
            clock
        );

        Assert.AreEqual(StreamKind.Full, plan.Kind);
        StringAssert.Contains(
            plan.Reason,
            $"the parent snapshot {Path.Combine(_fx.Snapshots, parent.Name)} is missing"
        );
    }

    [TestMethod]
    public async Task Plan_ParentMadeWritable_FallsBackToFull()
    {
        SnapshotRef parent = PublishSnapshot(GenerationStart);
        Shell.Run("btrfs", "property", "set", "-f", "-ts", Path.Combine(_fx.Snapshots, parent.Name), "ro", "false");
        var clock = new FakeTimeProvider(GenerationStart.AddDays(7));

        StreamPlan plan = await Plan(
            new StreamPlanner(_options.Snapshots, _options.State, _options.Schedule, new BtrfsTool(), clock),
            clock
        );

        Assert.AreEqual(StreamKind.Full, plan.Kind);
        StringAssert.Contains(plan.Reason, "is not read-only");
    }

    [TestMethod]
    public async Task Plan_SubvolumeReplacedAtItsPath_FallsBackToFull()
    {
        // A nested subvolume deleted and made anew at the same path (a VM disk recreated) is another subvolume.
        PublishSnapshot(GenerationStart);
        Shell.Run("btrfs", "subvolume", "delete", _fx.Subvolume("data"));
        Shell.Run("btrfs", "subvolume", "create", _fx.Subvolume("data"));
        var clock = new FakeTimeProvider(GenerationStart.AddDays(7));

        StreamPlan plan = await Plan(
            new StreamPlanner(_options.Snapshots, _options.State, _options.Schedule, new BtrfsTool(), clock),
            clock
        );

        Assert.AreEqual(StreamKind.Full, plan.Kind);
        StringAssert.Contains(plan.Reason, $"{_fx.Subvolume("data")} is not the subvolume");
    }

    [TestMethod]
    public async Task Plan_StateFileDamaged_FallsBackToFull()
    {
        PublishSnapshot(GenerationStart);
        File.WriteAllText(StateFiles.PublishedPath(_fx.State, "data"), "{ not json");
        var clock = new FakeTimeProvider(GenerationStart.AddDays(7));

        StreamPlan plan = await Plan(
            new StreamPlanner(_options.Snapshots, _options.State, _options.Schedule, new BtrfsTool(), clock),
            clock
        );

        Assert.AreEqual(StreamKind.Full, plan.Kind);
        StringAssert.Contains(plan.Reason, "the published state cannot be trusted");
    }

    private Task<StreamPlan> Plan(StreamPlanner planner, TimeProvider clock) =>
        planner.PlanAsync(
            _data,
            SnapshotName.Format("data", clock.GetUtcNow()),
            forceFull: false,
            CancellationToken.None
        );

    /// <summary>A real read-only snapshot of data, recorded as published at chain position 3 of a generation started
    /// then.</summary>
    private SnapshotRef PublishSnapshot(DateTimeOffset generationStart)
    {
        string name = SnapshotName.Format("data", generationStart.AddDays(1));
        string path = Path.Combine(_fx.Snapshots, name);
        Shell.Run("btrfs", "subvolume", "snapshot", "-r", _fx.Subvolume("data"), path);
        string uuid = Shell
            .Run("btrfs", "subvolume", "show", path)
            .Split('\n')
            .First(l => l.Trim().StartsWith("UUID:", StringComparison.Ordinal))
            .Split(':', 2)[1]
            .Trim();
        var snapshot = new SnapshotRef(name, uuid);
        StateFiles.WritePublished(
            _fx.State,
            new PublishedSnapshot(
                FormatJson.Version,
                "data",
                snapshot,
                StreamKind.Incremental,
                SnapshotName.Generation(SnapshotName.Format("data", generationStart)),
                3,
                generationStart.AddDays(1),
                ObjectKeys.Manifest(
                    "backup/",
                    "data",
                    SnapshotName.Generation(SnapshotName.Format("data", generationStart)),
                    name
                )
            )
        );
        return snapshot;
    }
}
