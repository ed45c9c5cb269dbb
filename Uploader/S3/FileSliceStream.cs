namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// A read-only, seekable window on a byte range of a file: the body of one part. The SDK may rewind the body to
/// retry a request, so Position and Seek work within the window, and Length is the part's length.
/// </summary>
internal sealed class FileSliceStream : Stream
{
    private readonly FileStream _file;
    private readonly long _offset;
    private long _position;

    public FileSliceStream(string path, long offset, long length)
    {
        // No read-ahead buffer of our own: the SDK reads in large blocks, and the page cache already reads ahead.
        _file = new FileStream(
            path,
            FileMode.Open,
            FileAccess.Read,
            FileShare.Read,
            bufferSize: 0,
            FileOptions.Asynchronous | FileOptions.SequentialScan
        );
        _offset = offset;
        Length = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = RandomAccess.Read(_file.SafeFileHandle, buffer[..Take(buffer.Length)], _offset + _position);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await RandomAccess.ReadAsync(
            _file.SafeFileHandle,
            buffer[..Take(buffer.Length)],
            _offset + _position,
            cancellationToken
        );
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Take(int wanted) => (int)Math.Clamp(Length - _position, 0, wanted);
}
