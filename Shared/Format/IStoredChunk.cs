namespace BtrfsToS3.Shared.Format;

/// <summary>A chunk as a seal or a manifest lists it: its place, its stream bytes, and its stored bytes' size and
/// hashes.</summary>
internal interface IStoredChunk
{
    int Index { get; }

    long Size { get; }

    /// <summary>The stream bytes it holds; 0 in a record of a plain stream written before stream_size
    /// existed.</summary>
    long StreamSize { get; }

    string Sha256 { get; }

    string Etag { get; }

    string Crc32 { get; }
}
