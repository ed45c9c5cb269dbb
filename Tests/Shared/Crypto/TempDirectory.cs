namespace BtrfsToS3.Tests.Shared.Crypto;

/// <summary>A temporary directory for key files and ciphertexts, removed with everything in it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("btrfs_to_s3-age-").FullName;

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> in the directory and returns its path.</summary>
    public string Write(string name, string content)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string Write(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
