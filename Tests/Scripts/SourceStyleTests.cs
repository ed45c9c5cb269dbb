using System.Text.RegularExpressions;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Scripts;

/// <summary>
/// The style .editorconfig sets, which the build's analyzers do not check: every source as CSharpier formats it
/// (scripts/format.sh), and no line past max_line_length but for a string literal the formatter cannot break, so that
/// a message read whole is found whole with grep.
/// </summary>
[TestClass]
public sealed partial class SourceStyleTests
{
    private static readonly string[] SourceFolders = ["Shared", "Spooler", "Uploader", "Tests"];

    [TestMethod]
    public void FormatCheck_EverySource_IsAsCSharpierWritesIt()
    {
        (int code, string output, string error) = Shell.TryRun(
            "bash",
            [SourceTree.File("scripts/format.sh"), "--check"]
        );

        Assert.AreEqual(0, code, $"run scripts/format.sh: {error}{output}");
    }

    [TestMethod]
    public void Lines_PastTheLimit_AreStringLiteralsOnly()
    {
        int limit = MaxLineLength();
        var over = new List<string>();
        foreach (string file in Sources())
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                int literal = line.IndexOf('"', StringComparison.Ordinal);
                if (line.Length > limit && (literal < 0 || literal >= limit))
                {
                    over.Add($"{Path.GetRelativePath(SourceTree.Root, file)}:{i + 1} ({line.Length} characters)");
                }
            }
        }

        Assert.IsEmpty(over, $"lines past {limit} characters: {string.Join(", ", over)}");
    }

    private static int MaxLineLength()
    {
        Match match = MaxLineLengthKey().Match(File.ReadAllText(SourceTree.File(".editorconfig")));
        Assert.IsTrue(match.Success, ".editorconfig sets no max_line_length");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IEnumerable<string> Sources() =>
        SourceFolders
            .SelectMany(folder =>
                Directory.EnumerateFiles(SourceTree.File(folder), "*.cs", SearchOption.AllDirectories)
            )
            .Where(file => !file.Contains("/bin/", StringComparison.Ordinal))
            .Where(file => !file.Contains("/obj/", StringComparison.Ordinal));

    [GeneratedRegex(@"^max_line_length\s*=\s*([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex MaxLineLengthKey();
}
