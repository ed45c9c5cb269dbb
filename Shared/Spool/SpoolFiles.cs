using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Shared.Spool;

/// <summary>Reads and writes the JSON files of the spool and state directories.</summary>
internal static class SpoolFiles
{
    public static void Write<T>(string path, T value, JsonTypeInfo<T> type, bool overwrite) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(value, type), overwrite);

    /// <summary>Reads a file that must be whole and of a format version this build knows; anything else is bad data.</summary>
    public static T Read<T>(string path, JsonTypeInfo<T> type, Func<T, int> formatVersion)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(File.ReadAllBytes(path), type);
        }
        catch (JsonException e)
        {
            throw new BackupFailure(FailureKind.BadData, $"{path}: not a valid {typeof(T).Name} file: {e.Message}");
        }

        if (value is null)
        {
            throw new BackupFailure(FailureKind.BadData, $"{path}: empty {typeof(T).Name} file");
        }

        int version = formatVersion(value);
        if (version != SpoolLayout.FormatVersion)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"{path}: format version {version}, but this build reads version {SpoolLayout.FormatVersion}");
        }

        return value;
    }
}
