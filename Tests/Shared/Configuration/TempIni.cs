using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Configuration;

/// <summary>
/// A configuration file in a temporary directory of its own, read as the loader reads it, so that a test of one
/// section sees the same values, defaults and error locations as a whole load.
/// </summary>
internal sealed class TempIni : IDisposable
{
    private readonly TempDirectory _dir = new("config");

    /// <summary>The file's full path, as every error names it.</summary>
    public string File => _dir.File("btrfs_to_s3.ini");

    /// <summary>Writes <c>[name]</c> and the lines, lays the overrides (<c>section:key</c>) over them and returns the
    /// section.</summary>
    public ConfigSection Section(string name, string lines, params (string Key, string Value)[] overrides)
    {
        System.IO.File.WriteAllText(File, $"[{name}]\n{lines}\n");
        Dictionary<string, string> flags = overrides.ToDictionary(o => o.Key, o => o.Value);
        return new ConfigSection(ConfigLoader.Read(File, flags), new ConfigSource(File, flags), name);
    }

    public void Dispose() => _dir.Dispose();
}
