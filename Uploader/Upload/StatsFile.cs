using System.Text;
using System.Text.Json;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// &lt;state dir&gt;/stats.jsonl: one JSON line per chunk and per run, appended, for people and scripts that want
/// figures over time. Holds sizes, times and names only: never a credential.
/// </summary>
internal sealed class StatsFile(string stateDir)
{
    public const string FileName = "stats.jsonl";

    private readonly Lock _gate = new();

    public void Append(IReadOnlyDictionary<string, object> entry)
    {
        string line = JsonSerializer.Serialize(entry, StatsJson.Default.IReadOnlyDictionaryStringObject) + "\n";
        lock (_gate)
        {
            using var stream = new FileStream(Path.Combine(stateDir, FileName), new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                UnixCreateMode = AtomicFile.OwnerOnlyFile,
            });
            stream.Write(Encoding.UTF8.GetBytes(line));
        }
    }
}
