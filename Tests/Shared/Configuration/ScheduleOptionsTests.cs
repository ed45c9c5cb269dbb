using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class ScheduleOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_TakesDocumentedDefault() =>
        Assert.AreEqual(new ScheduleOptions(182), ScheduleOptions.Read(Ini.Section("schedule", string.Empty)));

    [TestMethod]
    [DataRow(1)]
    [DataRow(3650)]
    public void Read_FullEveryDaysAtItsBounds_AcceptedAsGiven(int days) =>
        Assert.AreEqual(days, ScheduleOptions.Read(Ini.Section("schedule", $"full_every_days = {days}")).FullEveryDays);

    [TestMethod]
    [DataRow("0", "[schedule] full_every_days: 0 is out of range: it must be from 1 to 3650")]
    [DataRow("3651", "[schedule] full_every_days: 3651 is out of range: it must be from 1 to 3650")]
    [DataRow("-1", "[schedule] full_every_days: \"-1\" is not a whole number")]
    [DataRow("half a year", "[schedule] full_every_days: \"half a year\" is not a whole number")]
    public void Read_BadValue_RejectedWithExactMessage(string value, string expected) =>
        AssertRejected("schedule", $"full_every_days = {value}", expected, s => ScheduleOptions.Read(s));
}
