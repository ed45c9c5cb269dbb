using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

/// <summary>
/// Base of the tests of one section's options: a configuration file of its own for each test, and the check that a bad
/// value is rejected with exactly its one line.
/// </summary>
public abstract class SectionTest
{
    private protected TempIni Ini { get; private set; } = null!;

    [TestInitialize]
    public void CreateIni() => Ini = new TempIni();

    [TestCleanup]
    public void RemoveIni() => Ini.Dispose();

    /// <summary>Reading the lines as [section] fails with "configuration: FILE: " and the expected text.</summary>
    private protected void AssertRejected(string section, string lines, string expected, Action<ConfigSection> read)
    {
        ConfigSection values = Ini.Section(section, lines);

        ConfigAssert.Rejects($"configuration: {Ini.File}: {expected}", () => read(values));
    }
}
