namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// A path in a snapshot, relative to its top directory: '/'-separated names, none empty, <c>.</c> or <c>..</c>, none
/// holding NUL or longer than btrfs's 255 bytes, so that it names something inside the snapshot and nothing else. The
/// empty path is the top directory itself, which btrfs send names so when it sets its attributes.
/// </summary>
internal sealed class CatalogPath
{
    /// <summary>BTRFS_NAME_LEN: the longest name a directory holds.</summary>
    public const int MaxNameBytes = 255;

    private readonly EntryName[] parts;

    private CatalogPath(EntryName[] parts) => this.parts = parts;

    public static CatalogPath Root { get; } = new([]);

    public ReadOnlySpan<EntryName> Parts => parts;

    public bool IsRoot => parts.Length == 0;

    /// <summary>The last name; the top directory has none.</summary>
    public EntryName Name => IsRoot ? throw new InvalidOperationException("the top directory has no name") : parts[^1];

    /// <summary>The path's bytes as read, or null where they break the rules above.</summary>
    public static CatalogPath? Parse(ReadOnlySpan<byte> path)
    {
        if (path.IsEmpty)
        {
            return Root;
        }

        var parts = new EntryName[path.Count((byte)'/') + 1];
        int i = 0;
        foreach (Range range in path.Split((byte)'/'))
        {
            ReadOnlySpan<byte> part = path[range];
            if (!ValidName(part))
            {
                return null;
            }

            parts[i++] = new EntryName(part.ToArray());
        }

        return new CatalogPath(parts);
    }

    /// <summary>The path whose string (<see cref="ToString"/>) <paramref name="path"/> is, or null where there is none
    /// or it breaks the rules above.</summary>
    public static CatalogPath? FromString(string path)
    {
        if (path.Length == 0)
        {
            return Root;
        }

        string[] texts = path.Split('/');
        var parts = new EntryName[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            if (EntryName.FromString(texts[i]) is not { } name || !ValidName(name.Bytes))
            {
                return null;
            }

            parts[i] = name;
        }

        return new CatalogPath(parts);
    }

    /// <summary>The names joined by '/', each as <see cref="EntryName.ToString"/> writes it.</summary>
    public override string ToString() => string.Join('/', parts);

    private static bool ValidName(ReadOnlySpan<byte> name) =>
        name.Length is > 0 and <= MaxNameBytes
        && !name.Contains((byte)0)
        && !name.Contains((byte)'/')
        && name is not [(byte)'.']
        && name is not [(byte)'.', (byte)'.'];
}
