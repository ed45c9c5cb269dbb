using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class RetentionOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_TakesDocumentedDefaults() =>
        Assert.AreEqual(new RetentionOptions(1, 180), RetentionOptions.Read(Ini.Section("retention", string.Empty)));

    [TestMethod]
    [DataRow(1, 0)]
    [DataRow(1000, 3650)]
    public void Read_Bounds_AcceptedAsGiven(int keepGenerations, int minAgeDays) =>
        Assert.AreEqual(
            new RetentionOptions(keepGenerations, minAgeDays),
            RetentionOptions.Read(
                Ini.Section("retention", $"keep_generations = {keepGenerations}\nmin_age_days = {minAgeDays}")
            )
        );

    [TestMethod]
    public void Read_PruneInRunNo_AHostWithoutDeleteRights() =>
        Assert.IsFalse(RetentionOptions.Read(Ini.Section("retention", "prune_in_run = no")).PruneInRun);

    [TestMethod]
    [DataRow("prune_in_run = false", "[retention] prune_in_run: \"false\" is not one of yes, no")]
    [DataRow("keep_generations = 0", "[retention] keep_generations: 0 is out of range: it must be from 1 to 1000")]
    [DataRow(
        "keep_generations = 1001",
        "[retention] keep_generations: 1001 is out of range: it must be from 1 to 1000"
    )]
    [DataRow("min_age_days = 3651", "[retention] min_age_days: 3651 is out of range: it must be from 0 to 3650")]
    [DataRow("min_age_days = -1", "[retention] min_age_days: \"-1\" is not a whole number")]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("retention", lines, expected, s => RetentionOptions.Read(s));
}
