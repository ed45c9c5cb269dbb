using System.Threading.Channels;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// A catalog's lines decoded on a thread of their own while the caller parses them: decompression (and decryption)
/// is a third of a replay's CPU, and on a host with two cores it so runs beside the parse instead of before it. The
/// <see cref="Blocks"/> blocks of <see cref="BlockSize"/> go round between the two, allocated once: a new 1 MiB array
/// per block would land on the large object heap and bring on full collections of the trees the replay is building.
/// </summary>
internal sealed class DecodingAhead : Stream
{
    private const int BlockSize = 1024 * 1024;
    private const int Blocks = 4;

    private readonly Channel<(byte[] Block, int Count)> _filled = Channel.CreateBounded<(byte[], int)>(Blocks);
    private readonly Channel<byte[]> _free = Channel.CreateBounded<byte[]>(Blocks);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _decoder;
    private byte[]? _block;
    private int _at;
    private int _count;

    public DecodingAhead(Stream decoded)
    {
        for (int i = 0; i < Blocks; i++)
        {
            _free.Writer.TryWrite(GC.AllocateUninitializedArray<byte>(BlockSize));
        }

        // A blocking thread of its own: the caller reads synchronously, so the decoder must not wait for a pool thread.
        _decoder = Task.Factory.StartNew(
            () => Decode(decoded),
            _stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default
        );
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_at == _count)
        {
            if (_block is not null)
            {
                _free.Writer.TryWrite(_block);
                _block = null;
            }

            // The decoder's failure (bad data, a wrong key) reaches the reader here, as the stream's own would.
            if (!_filled.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                _decoder.GetAwaiter().GetResult();
                return 0;
            }

            _filled.Reader.TryRead(out (byte[] Block, int Count) next);
            (_block, _count, _at) = (next.Block, next.Count, 0);
        }

        int n = Math.Min(buffer.Length, _count - _at);
        _block.AsSpan(_at, n).CopyTo(buffer);
        _at += n;
        return n;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            // The decoder stops at its next block; its failure, if any, was the reader's to see.
            _decoder.ContinueWith(_ => { }, TaskScheduler.Default).GetAwaiter().GetResult();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Decode(Stream decoded)
    {
        try
        {
            using (decoded)
            {
                while (true)
                {
                    byte[] block = _free.Reader.ReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult();
                    int read = decoded.ReadAtLeast(block, BlockSize, throwOnEndOfStream: false);
                    if (read > 0 && !_filled.Writer.TryWrite((block, read)))
                    {
                        throw new InvalidOperationException("more blocks filled than were allocated");
                    }

                    if (read < BlockSize)
                    {
                        break;
                    }
                }
            }

            _filled.Writer.Complete();
        }
        catch (Exception e)
        {
            _filled.Writer.Complete(e);
            throw;
        }
    }
}
