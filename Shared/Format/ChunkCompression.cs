using System.Globalization;

namespace BtrfsToS3.Shared.Format;

/// <summary>
/// How a chunk holds its share of the stream: as it left <c>btrfs send</c> (<c>none</c>), or as a sequence of standard
/// zstd frames of <see cref="FrameSize"/> stream bytes each (<c>zstd:LEVEL</c>, every frame compressed at that level;
/// <c>auto</c>, level 1, with frames whose samples do not compress stored as raw zstd blocks). Written as the text
/// <see cref="ToString"/> gives in the header, the seal and the manifest (<c>compression</c>, docs/FORMAT.md).
/// </summary>
/// <param name="Level">The zstd level; 0 for none.</param>
/// <param name="Auto">Level 1, and frames that look incompressible stored without trying to compress them.</param>
internal sealed record ChunkCompression(int Level, bool Auto)
{
    /// <summary>Stream bytes per zstd frame: each frame decompresses alone, in at most this much memory.</summary>
    public const int FrameSize = 1024 * 1024;

    /// <summary>The highest level accepted: beyond 19 zstd wants windows (and restore memory) larger than a frame
    /// needs.</summary>
    public const int MaxLevel = 19;

    /// <summary>zstd's own default level, for <c>zstd</c> without one.</summary>
    private const int DefaultLevel = 3;

    public static readonly ChunkCompression None = new(0, false);

    public static readonly ChunkCompression Automatic = new(1, true);

    public bool IsNone => Level == 0;

    /// <summary>The setting <paramref name="text"/> names, or null when it names none.</summary>
    public static ChunkCompression? TryParse(string text)
    {
        switch (text)
        {
            case "none":
                return None;
            case "auto":
                return Automatic;
            case "zstd":
                return new ChunkCompression(DefaultLevel, false);
        }

        return
            text.StartsWith("zstd:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int level)
            && level is >= 1 and <= MaxLevel
            && text == $"zstd:{level.ToString(CultureInfo.InvariantCulture)}"
            ? new ChunkCompression(level, false)
            : null;
    }

    public override string ToString() =>
        IsNone ? "none"
        : Auto ? "auto"
        : $"zstd:{Level.ToString(CultureInfo.InvariantCulture)}";
}
