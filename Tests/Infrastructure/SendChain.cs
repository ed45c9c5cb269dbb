using System.Globalization;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A chain of sends from a new subvolume of the fixture's btrfs, as the spooler makes one: each <see cref="Send"/>
/// snapshots the subvolume read-only and sends it, the first whole, each later one with <c>-p</c> the snapshot before,
/// into a stream file; <see cref="Received"/> gives what <c>btrfs receive</c> makes of the streams. Every subvolume it
/// made is deleted, and its stream files, on dispose.
/// </summary>
internal sealed class SendChain : IDisposable
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static int chains;

    private readonly string subvolume;
    private readonly string[] sendOptions;
    private readonly string snapshots;
    private readonly string receivedInto;
    private readonly TempDirectory files = new("send-chain");
    private readonly List<string> names = [];
    private readonly List<string> streams = [];
    private int received;

    /// <param name="subvolume">The name the snapshots are named after, as the spooler names them.</param>
    /// <param name="protocol">The send protocol; protocol 2 sends compressed extents as they are.</param>
    public SendChain(BtrfsFixture fixture, string subvolume, int protocol)
    {
        this.subvolume = subvolume;
        sendOptions = protocol > 1 ? ["--proto", "2", "--compressed-data"] : ["--proto", "1"];
        string prefix = Path.Combine(fixture.Mount, $"chain-{Interlocked.Increment(ref chains)}");
        Live = prefix;
        snapshots = prefix + ".snapshots";
        receivedInto = prefix + ".received";
        Shell.Run("btrfs", "-q", "subvolume", "create", Live);
        Directory.CreateDirectory(snapshots);
        Directory.CreateDirectory(receivedInto);
    }

    /// <summary>The subvolume the history changes.</summary>
    public string Live { get; }

    /// <summary>The stream files so far, in chain order.</summary>
    public IReadOnlyList<string> Streams => streams;

    /// <summary>A read-only snapshot of the subvolume, <c>&lt;subvolume&gt;.&lt;UTC time&gt;</c> a minute after the
    /// one before, sent after the one before into a new stream file.</summary>
    public (string Name, string Snapshot, string Stream) Send()
    {
        int i = names.Count;
        string name =
            $"{subvolume}.{Start.AddMinutes(i).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
        string snapshot = Path.Combine(snapshots, name);
        Shell.Run("btrfs", "-q", "subvolume", "snapshot", "-r", Live, snapshot);
        names.Add(name);
        string stream = files.File($"{i}.stream");
        string[] parent = i > 0 ? ["-p", Path.Combine(snapshots, names[i - 1])] : [];
        Shell.Run("btrfs", ["send", "-q", .. sendOptions, .. parent, snapshot], stream);
        streams.Add(stream);
        return (name, snapshot, stream);
    }

    /// <summary>The snapshot <paramref name="index"/> as <c>btrfs receive</c> makes it of the chain's streams up to
    /// its own.</summary>
    public string Received(int index)
    {
        for (; received <= index; received++)
        {
            Shell.Run("btrfs", "receive", "-q", "-f", streams[received], receivedInto);
        }

        return Path.Combine(receivedInto, names[index]);
    }

    public void Dispose()
    {
        IEnumerable<string> made = names
            .Select(n => Path.Combine(snapshots, n))
            .Concat(names.Take(received).Select(n => Path.Combine(receivedInto, n)));
        Shell.TryRun("btrfs", ["-q", "subvolume", "delete", .. made, Live]);
        files.Dispose();
    }
}
