using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class PriceOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_TakesDeepArchivesDocumentedPrices() =>
        Assert.AreEqual(
            new PriceOptions(0.00099m, 0.05m, 180, 40, 0.0025m, 0.025m, 0.0004m, 0.09m, 0.023m),
            PriceOptions.Read(Ini.Section("prices", string.Empty))
        );

    [TestMethod]
    public void Read_Bounds_AcceptedAsGiven() =>
        Assert.AreEqual(
            new PriceOptions(0m, 0m, 3650, 1024, 0m, 0m, 0m, 0m, 0m),
            PriceOptions.Read(
                Ini.Section(
                    "prices",
                    """
                    storage_per_gb_month = 0
                    put_per_1000 = 0.0
                    min_storage_days = 3650
                    object_overhead_kb = 1024
                    retrieval_per_gb = 0
                    retrieval_requests_per_1000 = 0
                    get_per_1000 = 0
                    egress_per_gb = 0.00
                    restored_copy_per_gb_month = 0
                    """
                )
            )
        );

    [TestMethod]
    [DataRow(
        "storage_per_gb_month = -0.001",
        "[prices] storage_per_gb_month: \"-0.001\" is not a price (a decimal number of US dollars, e.g. 0.00099)"
    )]
    [DataRow(
        "put_per_1000 = $0.05",
        "[prices] put_per_1000: \"$0.05\" is not a price (a decimal number of US dollars, e.g. 0.00099)"
    )]
    [DataRow("min_storage_days = 3651", "[prices] min_storage_days: 3651 is out of range: it must be from 0 to 3650")]
    [DataRow(
        "object_overhead_kb = 1025",
        "[prices] object_overhead_kb: 1025 is out of range: it must be from 0 to 1024"
    )]
    [DataRow(
        "retrieval_per_gb = free",
        "[prices] retrieval_per_gb: \"free\" is not a price (a decimal number of US dollars, e.g. 0.00099)"
    )]
    [DataRow(
        "retrieval_requests_per_1000 = 0,025",
        "[prices] retrieval_requests_per_1000: \"0,025\" is not a price (a decimal number of US dollars, e.g. 0.00099)"
    )]
    [DataRow(
        "get_per_1000 = 4e-4",
        "[prices] get_per_1000: \"4e-4\" is not a price (a decimal number of US dollars, e.g. 0.00099)"
    )]
    [DataRow(
        "egress_per_gb = -0.09",
        "[prices] egress_per_gb: \"-0.09\" is not a price (a decimal number of US dollars, e.g. 0.00099)"
    )]
    [DataRow(
        "restored_copy_per_gb_month = 0.023/GB",
        "[prices] restored_copy_per_gb_month: \"0.023/GB\" is not a price (a decimal number of US dollars, e.g. 0.00099)"
    )]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("prices", lines, expected, s => PriceOptions.Read(s));
}
