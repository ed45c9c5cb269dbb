using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Uploader.Status;

namespace BtrfsToS3.Tests.Uploader.Status;

[TestClass]
public sealed class StaleCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);

    [TestMethod]
    public void Lines_AllPublishedWithinMaxAge_None()
    {
        SubvolumeStatus[] subvolumes =
        [
            Published("data", full: Now.AddDays(-30), incremental: Now.AddDays(-2)),
            Published("home", full: Now.AddDays(-8), incremental: null),
        ];

        Assert.IsEmpty(StaleCheck.Lines(subvolumes, TimeSpan.FromDays(9), Now));
    }

    [TestMethod]
    public void Lines_OldAndNeverPublished_OneLineEachNamingTheSubvolume()
    {
        SubvolumeStatus[] subvolumes =
        [
            Published("data", full: Now.AddDays(-30), incremental: Now.AddDays(-10)),
            Published("home", null, null),
            Published("root", Now.AddDays(-1), null),
        ];

        IReadOnlyList<string> lines = StaleCheck.Lines(subvolumes, TimeSpan.FromDays(9), Now);

        CollectionAssert.AreEqual(
            new[]
            {
                "data: stale: last published 2026-11-30 12:00 UTC, 10.0 days ago, older than --max-age 9d",
                "home: stale: nothing published yet (--max-age 9d)",
            },
            lines.ToArray()
        );
    }

    [TestMethod]
    public void Lines_NestedGoneAndS3Unreadable_GoneSkippedUnreadableNamed()
    {
        SubvolumeStatus gone = Published("root--vm", null, null) with
        {
            Nested = new NestedPlace("root", "vm"),
            GoneFromHost = true,
        };
        SubvolumeStatus unreadable = Published("data", null, null) with { Problem = "S3 unreachable" };

        IReadOnlyList<string> lines = StaleCheck.Lines([gone, unreadable], TimeSpan.FromDays(9), Now);

        CollectionAssert.AreEqual(new[] { "data: age of the last publish unknown: S3 unreachable" }, lines.ToArray());
    }

    private static SubvolumeStatus Published(string name, DateTimeOffset? full, DateTimeOffset? incremental) =>
        new(
            name,
            null,
            null,
            null,
            false,
            full is null ? null : "20261101T020000Z",
            full is null ? 0 : 1,
            incremental is null ? 1 : 2,
            [],
            full is { } f ? new PublishedStream($"{name}.full", f, 1, 1) : null,
            incremental is { } i ? new PublishedStream($"{name}.incremental", i, 1, 1) : null,
            null,
            null,
            [],
            null
        );
}
