namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// A read-only view of a stream whose reads are paced by the <see cref="BandwidthLimiter"/>: the bytes each read
/// returns are drawn from it before they are handed on, and no read asks the inner stream for more than the limiter's
/// <see cref="BandwidthLimiter.LargestRead"/>, whatever buffer the reader offers, so none goes out in one lump. Length,
/// Position and Seek are the inner stream's, since the AWS SDK reads the length of what it sends and seeks back to
/// resend a part on a retry (whose bytes are then drawn again, as they go on the wire again).
/// </summary>
/// <param name="inner">The stream read from.</param>
/// <param name="limiter">The cap shared by all connections.</param>
/// <param name="ownsInner">Whether disposing this stream disposes the inner one.</param>
/// <param name="hashedBeforeSent"> True for a request body the SDK reads once to hash it (a payload signature without
/// chunk encoding) before it reads it again to send it: that first pass, up to the first seek back, moves nothing on
/// the wire and draws nothing, or the link would run at half the cap.
/// </param>
internal sealed class ThrottledStream(
    Stream inner,
    BandwidthLimiter limiter,
    bool ownsInner,
    bool hashedBeforeSent = false
) : Stream
{
    private bool _sending = !hashedBeforeSent;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set
        {
            _sending |= value < inner.Position;
            inner.Position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>
    /// Blocks the calling thread while the cap makes it wait. The SDK sends and receives bodies through ReadAsync; a
    /// synchronous reader has chosen to spend a thread on the read, and the wait is no more than the read itself would
    /// take on a link of the capped speed. There is no synchronisation context to deadlock on in a console program.
    /// </summary>
    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer[..Math.Min(buffer.Length, limiter.LargestRead)]);
        if (_sending)
        {
            limiter.WaitAsync(read, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, limiter.LargestRead)], cancellationToken);
        if (_sending)
        {
            await limiter.WaitAsync(read, cancellationToken);
        }

        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long before = inner.Position;
        long after = inner.Seek(offset, origin);
        _sending |= after < before;
        return after;
    }

    // Nothing is written, so there is nothing to flush.
    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException("a throttled stream is read-only");

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("a throttled stream is read-only");

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
