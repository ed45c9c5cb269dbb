using System.Buffers;

namespace BtrfsToS3.Spooler.Chunking;

/// <summary>
/// Turns a chunk's share of the stream into the bytes stored for it: zstd frames (<see cref="ZstdFrameWriter"/>), when
/// the stream is compressed. Each call returns what is ready to store so far; the memory is reused by the next call.
/// </summary>
internal sealed class ChunkEncoder : IDisposable
{
    private readonly ZstdFrameWriter _frames;
    private readonly ArrayBufferWriter<byte> _stored = new(ChunkCompression.FrameSize * 5);

    private ChunkEncoder(ChunkCompression compression) => _frames = new ZstdFrameWriter(compression);

    /// <summary>The encoder for a chunk of a stream so written, or null where chunks hold the stream's bytes as they are.</summary>
    public static ChunkEncoder? For(ChunkCompression compression) =>
        compression.IsNone ? null : new ChunkEncoder(compression);

    public ReadOnlyMemory<byte> Encode(ReadOnlySpan<byte> stream)
    {
        _stored.ResetWrittenCount();
        _frames.Write(stream, _stored);
        return _stored.WrittenMemory;
    }

    /// <summary>The chunk's last stored bytes.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        _stored.ResetWrittenCount();
        _frames.Finish(_stored);
        return _stored.WrittenMemory;
    }

    public void Dispose() => _frames.Dispose();
}
