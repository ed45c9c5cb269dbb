using BtrfsToS3.Uploader.Repository;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Uploader.Repository;

/// <summary>The rule of docs/FORMAT.md, "Object Lock": locked until retention could delete the generation, plus the
/// margin.</summary>
[TestClass]
public sealed class LockPolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    [TestMethod]
    public void For_TheFullWithDefaults_LockedUntilItsGenerationsLastIncrementalIsMinAgeDaysOldPlusTheMargin()
    {
        // A full every 182 days: the last incremental comes near day 182, and is 180 days old on day 362.
        Assert.AreEqual(Start.AddDays(182 + 180 + 30), Policy(Start, keep: 1).For("20261125T020000Z").RetainUntil);
    }

    [TestMethod]
    public void For_ManyGenerationsKept_LockedUntilTheyAreSuperseded()
    {
        // Three newer fulls must come before the generation may go: day 546, later than day 362.
        Assert.AreEqual(Start.AddDays((3 * 182) + 30), Policy(Start, keep: 3).For("20261125T020000Z").RetainUntil);
    }

    [TestMethod]
    public void For_AnIncrementalAfterALateFull_LockedFromItsOwnWrite()
    {
        DateTimeOffset late = Start.AddDays(200.5);

        Assert.AreEqual(late.AddDays(180 + 30), Policy(late, keep: 1).For("20261125T020000Z").RetainUntil);
    }

    [TestMethod]
    public void For_ObjectsWrittenLater_NeverLockedShorter()
    {
        DateTimeOffset[] writes = [Start, Start.AddDays(7), Start.AddDays(181), Start.AddDays(190), Start.AddDays(400)];

        DateTimeOffset[] dates = [.. writes.Select(at => Policy(at, keep: 1).For("20261125T020000Z").RetainUntil)];

        CollectionAssert.AreEqual(dates.Order().ToArray(), dates);
    }

    [TestMethod]
    public void For_ADateWithinASecond_IsRoundedUp()
    {
        DateTimeOffset at = Start.AddDays(400).AddMilliseconds(1);

        Assert.AreEqual(at.AddDays(210).AddMilliseconds(999), Policy(at, keep: 1).For("20261125T020000Z").RetainUntil);
    }

    private static LockPolicy Policy(DateTimeOffset now, int keep) =>
        new(
            "GOVERNANCE",
            FullEveryDays: 182,
            KeepGenerations: keep,
            MinAgeDays: 180,
            Margin: TimeSpan.FromDays(30),
            new FakeTimeProvider(now)
        );
}
