using System.Text;
using System.Text.Json;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// &lt;state dir&gt;/stats.jsonl: one JSON line per chunk and per run, appended, for people and scripts that want
/// figures over time. Holds sizes, times and names only: never a credential.
/// </summary>
internal sealed class StatsFile(string stateDir)
{
    private readonly Lock _gate = new();

    public void Append(StatsLine entry)
    {
        string line = JsonSerializer.Serialize(entry, StatsJson.Default.StatsLine) + "\n";
        lock (_gate)
        {
            using var stream = new FileStream(
                StateFiles.StatsPath(stateDir),
                new FileStreamOptions
                {
                    Mode = FileMode.Append,
                    Access = FileAccess.Write,
                    UnixCreateMode = GroupShared.FileMode,
                }
            );
            stream.Write(Encoding.UTF8.GetBytes(line));
        }
    }

    /// <summary>The last run's line, or null when no run was recorded; lines this build cannot read are passed
    /// over.</summary>
    public RunStats? LastRun()
    {
        string path = StateFiles.StatsPath(stateDir);
        if (!File.Exists(path))
        {
            return null;
        }

        RunStats? last = null;
        foreach (string line in File.ReadLines(path))
        {
            try
            {
                last = JsonSerializer.Deserialize(line, StatsJson.Default.StatsLine) as RunStats ?? last;
            }
            catch (JsonException)
            {
                // A line cut short by a crash mid-append says nothing; the lines around it still do.
            }
        }

        return last;
    }
}
