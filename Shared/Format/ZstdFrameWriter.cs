using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace BtrfsToS3.Shared.Format;

/// <summary>
/// Writes a chunk's share of the stream as standard zstd frames (RFC 8878), one per
/// <see cref="ChunkCompression.FrameSize"/> stream bytes counted from the chunk's start, each with its content size and
/// checksum, so that <c>zstd -d</c> reads a chunk and the same stream always gives the same frames (the same library,
/// level and boundaries: a resent stream gets the same chunks). A frame the compressor would make larger than its
/// content is written as raw blocks instead; with <c>auto</c>, so is a frame whose samples do not compress, without
/// trying the whole: incompressible data (photos, video, what the filesystem compressed already) then costs a copy and
/// a checksum, not a compression.
/// </summary>
internal sealed class ZstdFrameWriter : IDisposable
{
    /// <summary>The largest block a frame may hold (RFC 8878, Block_Maximum_Size).</summary>
    private const int BlockSize = 128 * 1024;

    /// <summary>Magic, frame header descriptor and a 4-byte content size; the 4-byte checksum comes at the
    /// end.</summary>
    private const int RawFrameHeaderSize = 4 + 1 + 4;

    /// <summary>Single segment, 4-byte content size, content checksum (RFC 8878, Frame_Header_Descriptor).</summary>
    private const byte RawFrameDescriptor = (2 << 6) | (1 << 5) | (1 << 2);

    private const uint Magic = 0xFD2FB528;

    /// <summary>Samples of an <c>auto</c> frame, spread over it: 4 × 8 KiB, a 32nd of a frame.</summary>
    private const int Samples = 4;

    private const int SampleSize = 8 * 1024;

    /// <summary>Samples that save less than this share are taken as incompressible.</summary>
    private const double WorthCompressing = 0.97;

    private readonly ChunkCompression _compression;
    private readonly Compressor _compressor;
    private readonly byte[] _staging = new byte[ChunkCompression.FrameSize];
    private readonly byte[] _sample = new byte[Samples * SampleSize];
    private readonly byte[] _sampleOut = new byte[Compressor.GetCompressBound(Samples * SampleSize)];
    private int _staged;

    public ZstdFrameWriter(ChunkCompression compression)
    {
        _compression = compression;
        _compressor = new Compressor(compression.Level);
        _compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
    }

    /// <summary>The most bytes a frame of <paramref name="content"/> bytes takes: the raw form's size.</summary>
    public static int MaxFrameSize(int content) =>
        RawFrameHeaderSize + (3 * Math.Max(1, (content + BlockSize - 1) / BlockSize)) + content + 4;

    /// <summary>Adds stream bytes; each frame completed goes to <paramref name="output"/>.</summary>
    public void Write(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        while (!data.IsEmpty)
        {
            if (_staged == 0 && data.Length >= _staging.Length)
            {
                // A whole frame in hand: compressed from where it is, without the copy.
                WriteFrame(data[.._staging.Length], output);
                data = data[_staging.Length..];
                continue;
            }

            int take = Math.Min(_staging.Length - _staged, data.Length);
            data[..take].CopyTo(_staging.AsSpan(_staged));
            _staged += take;
            data = data[take..];
            if (_staged == _staging.Length)
            {
                WriteFrame(_staging, output);
                _staged = 0;
            }
        }
    }

    /// <summary>Writes the chunk's last, shorter frame, if any.</summary>
    public void Finish(IBufferWriter<byte> output)
    {
        if (_staged > 0)
        {
            WriteFrame(_staging.AsSpan(0, _staged), output);
            _staged = 0;
        }
    }

    public void Dispose() => _compressor.Dispose();

    private void WriteFrame(ReadOnlySpan<byte> content, IBufferWriter<byte> output)
    {
        if (_compression.Auto && LooksIncompressible(content))
        {
            WriteRawFrame(content, output);
            return;
        }

        Span<byte> target = output.GetSpan(Compressor.GetCompressBound(content.Length));
        int written = _compressor.Wrap(content, target);
        if (written > MaxFrameSize(content.Length))
        {
            WriteRawFrame(content, output);
            return;
        }

        output.Advance(written);
    }

    private bool LooksIncompressible(ReadOnlySpan<byte> content)
    {
        if (content.Length < 2 * _sample.Length)
        {
            return false;
        }

        int stride = content.Length / Samples;
        for (int i = 0; i < Samples; i++)
        {
            content.Slice(i * stride, SampleSize).CopyTo(_sample.AsSpan(i * SampleSize));
        }

        return _compressor.Wrap(_sample, _sampleOut) > _sample.Length * WorthCompressing;
    }

    private static void WriteRawFrame(ReadOnlySpan<byte> content, IBufferWriter<byte> output)
    {
        Span<byte> frame = output.GetSpan(MaxFrameSize(content.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Magic);
        frame[4] = RawFrameDescriptor;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[5..], (uint)content.Length);
        int at = RawFrameHeaderSize;
        int done = 0;
        do
        {
            int size = Math.Min(BlockSize, content.Length - done);
            bool last = done + size == content.Length;

            // Block_Header: Last_Block in bit 0, Block_Type 0 (Raw_Block) in bits 1-2, Block_Size in bits 3-23.
            uint header = ((uint)size << 3) | (last ? 1u : 0u);
            frame[at] = (byte)header;
            frame[at + 1] = (byte)(header >> 8);
            frame[at + 2] = (byte)(header >> 16);
            content.Slice(done, size).CopyTo(frame[(at + 3)..]);
            at += 3 + size;
            done += size;
        } while (done < content.Length);

        // Content_Checksum: the low 32 bits of the XXH64 (seed 0) of the content.
        BinaryPrimitives.WriteUInt32LittleEndian(frame[at..], (uint)XxHash64.HashToUInt64(content));
        output.Advance(at + 4);
    }
}
