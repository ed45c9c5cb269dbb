namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>Finds files of the repository (scripts, the example configuration) from the test's output
/// directory.</summary>
internal static class SourceTree
{
    public static string Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (System.IO.File.Exists(Path.Combine(dir, "spooler.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("spooler.sln not found above " + AppContext.BaseDirectory);
    }
}
