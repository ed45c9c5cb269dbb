using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Shared.Spool;

/// <summary>Reads and writes the JSON files of the spool and state directories, atomically and checked
/// (<see cref="FormatJson"/>).</summary>
internal static class SpoolFiles
{
    public static void Write<T>(string path, T value, JsonTypeInfo<T> type, bool overwrite) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(value, type), overwrite);

    public static T Read<T>(string path, JsonTypeInfo<T> type)
        where T : IFormatVersioned => FormatJson.Parse(File.ReadAllBytes(path), type, path);
}
