using System.Buffers;
using BtrfsToS3.Shared.Crypto;

namespace BtrfsToS3.Shared.Format;

/// <summary>
/// Turns a chunk's share of the stream into the bytes stored for it (docs/FORMAT.md, "Chunk encoding"): zstd frames
/// (<see cref="ZstdFrameWriter"/>) where the stream is compressed, then one age file (<see cref="AgeEncryptor"/>)
/// where it is encrypted; compression first, since encrypted bytes do not compress. Each call returns what is ready
/// to store so far; the memory is reused by the next call.
/// </summary>
internal sealed class ChunkEncoder : IDisposable
{
    private readonly ZstdFrameWriter? _frames;
    private readonly AgeEncryptor? _age;
    private readonly ArrayBufferWriter<byte> _compressed = new(ChunkCompression.FrameSize * 5);
    private readonly ArrayBufferWriter<byte> _stored = new(ChunkCompression.FrameSize * 5);

    private ChunkEncoder(ChunkCompression compression, IReadOnlyList<AgeRecipient> recipients)
    {
        _frames = compression.IsNone ? null : new ZstdFrameWriter(compression);
        _age = recipients.Count == 0 ? null : new AgeEncryptor(recipients);
    }

    /// <summary>The encoder for a chunk of a stream so written, or null where chunks hold the stream's bytes as they
    /// are.</summary>
    public static ChunkEncoder? For(ChunkCompression compression, IReadOnlyList<AgeRecipient> recipients) =>
        compression.IsNone && recipients.Count == 0 ? null : new ChunkEncoder(compression, recipients);

    public ReadOnlyMemory<byte> Encode(ReadOnlySpan<byte> stream)
    {
        _stored.ResetWrittenCount();
        if (_frames is null)
        {
            _age!.Write(stream, _stored);
        }
        else if (_age is null)
        {
            _frames.Write(stream, _stored);
        }
        else
        {
            _compressed.ResetWrittenCount();
            _frames.Write(stream, _compressed);
            _age.Write(_compressed.WrittenSpan, _stored);
        }

        return _stored.WrittenMemory;
    }

    /// <summary>The chunk's last stored bytes: its last frame, the age file's last segment.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        _stored.ResetWrittenCount();
        _compressed.ResetWrittenCount();
        _frames?.Finish(_age is null ? _stored : _compressed);
        _age?.Write(_compressed.WrittenSpan, _stored);
        _age?.Finish(_stored);
        return _stored.WrittenMemory;
    }

    public void Dispose()
    {
        _frames?.Dispose();
        _age?.Dispose();
    }
}
