using System.Threading.Channels;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// A catalog's lines decoded on a thread of their own while the caller parses them: decompression (and decryption)
/// is a third of a replay's CPU, and on a host with two cores it so runs beside the parse instead of before it. At
/// most <see cref="Blocks"/> blocks of <see cref="BlockSize"/> wait between the two, so memory stays bounded whatever
/// the catalog's size.
/// </summary>
internal sealed class DecodingAhead : Stream
{
    private const int BlockSize = 1024 * 1024;
    private const int Blocks = 4;

    private readonly Channel<ReadOnlyMemory<byte>> _blocks = Channel.CreateBounded<ReadOnlyMemory<byte>>(Blocks);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _decoder;
    private ReadOnlyMemory<byte> _current;

    public DecodingAhead(Stream decoded)
    {
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
        if (_current.IsEmpty)
        {
            // The decoder's failure (bad data, a wrong key) reaches the reader here, as the stream's own would.
            if (!_blocks.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                _decoder.GetAwaiter().GetResult();
                return 0;
            }

            _blocks.Reader.TryRead(out _current);
        }

        int n = Math.Min(buffer.Length, _current.Length);
        _current.Span[..n].CopyTo(buffer);
        _current = _current[n..];
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
                    byte[] block = GC.AllocateUninitializedArray<byte>(BlockSize);
                    int read = decoded.ReadAtLeast(block, BlockSize, throwOnEndOfStream: false);
                    if (read > 0)
                    {
                        _blocks
                            .Writer.WriteAsync(block.AsMemory(0, read), _stop.Token)
                            .AsTask()
                            .GetAwaiter()
                            .GetResult();
                    }

                    if (read < BlockSize)
                    {
                        break;
                    }
                }
            }

            _blocks.Writer.Complete();
        }
        catch (Exception e)
        {
            _blocks.Writer.Complete(e);
            throw;
        }
    }
}
