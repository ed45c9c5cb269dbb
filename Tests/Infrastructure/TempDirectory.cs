namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A fresh directory under the system's temporary directory, removed with everything in it on dispose: the one place
/// tests make scratch space, so none leaks one when it fails halfway.
/// </summary>
/// <param name="name">Part of the directory's name (btrfs_to_s3-NAME-…), to tell a leftover's owner.</param>
internal sealed class TempDirectory(string name = "tmp") : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory($"btrfs_to_s3-{name}-").FullName;

    /// <summary>The path of <paramref name="entry"/> in the directory.</summary>
    public string File(string entry) => System.IO.Path.Combine(Path, entry);

    /// <summary>Writes <paramref name="content"/> to <paramref name="entry"/> in the directory and returns its
    /// path.</summary>
    public string Write(string entry, string content)
    {
        string path = File(entry);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Write(string entry, byte[] content)
    {
        string path = File(entry);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
