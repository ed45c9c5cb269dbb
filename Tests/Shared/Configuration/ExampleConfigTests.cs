using System.Text.RegularExpressions;
using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

/// <summary>btrfs_to_s3.ini documents the configuration: it must load, name every key with its default, and comment
/// each.</summary>
[TestClass]
public sealed partial class ExampleConfigTests
{
    private static readonly string ExampleFile = Infrastructure.SourceTree.File("btrfs_to_s3.ini");

    [TestMethod]
    public void Example_Loads()
    {
        BackupOptions options = ConfigLoader.Load(ExampleFile, new Dictionary<string, string>());

        CollectionAssert.AreEquivalent(
            new[] { "data", "root", "home" },
            options.Subvolumes.Select(s => s.Name).ToArray()
        );
    }

    [TestMethod]
    public void Example_EveryKnownKey_AppearsWithItsDefault()
    {
        Dictionary<string, string> inFile = Entries().ToDictionary(e => $"{e.Section}:{e.Key}", e => e.Value);

        foreach ((string section, IReadOnlyDictionary<string, string?> keys) in ConfigKeys.Known)
        {
            foreach ((string key, string? defaultValue) in keys)
            {
                Assert.IsTrue(
                    inFile.TryGetValue($"{section}:{key}", out string? value),
                    $"[{section}] {key} is not in btrfs_to_s3.ini"
                );
                if (defaultValue is not null)
                {
                    Assert.AreEqual(defaultValue, value, $"[{section}] {key} shows another value than its default");
                }
            }
        }
    }

    [TestMethod]
    public void Example_EveryKey_HasACommentAbove()
    {
        string[] lines = File.ReadAllLines(ExampleFile);
        for (int i = 0; i < lines.Length; i++)
        {
            if (KeyLine().IsMatch(lines[i]) && !lines[i].StartsWith(';'))
            {
                int above = i - 1;
                while (above >= 0 && KeyLine().IsMatch(lines[above]) && IsSubvolumeLine(lines, above))
                {
                    above--;
                }

                Assert.StartsWith(";", lines[above], $"line {i + 1} ({lines[i]}) has no comment above it");
            }
        }
    }

    private static bool IsSubvolumeLine(string[] lines, int index) =>
        Array.FindLastIndex(lines, index, l => l.StartsWith('[')) is int header and >= 0
        && lines[header] == "[subvolumes]";

    private static IEnumerable<(string Section, string Key, string Value)> Entries()
    {
        string section = string.Empty;
        foreach (string line in File.ReadAllLines(ExampleFile))
        {
            if (line.StartsWith('['))
            {
                section = line.Trim('[', ']');
            }
            else if (KeyLine().Match(line) is { Success: true } match && !line.StartsWith(';'))
            {
                yield return (section, match.Groups[1].Value, match.Groups[2].Value.Trim());
            }
        }
    }

    [GeneratedRegex(@"^([a-z_0-9]+)\s*=(.*)$")]
    private static partial Regex KeyLine();
}
