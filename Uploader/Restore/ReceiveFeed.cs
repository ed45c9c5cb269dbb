using System.Security.Cryptography;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// The bytes of one stream on their way into <c>btrfs receive</c>, counted and hashed: they must be the stream the
/// manifest names (its size and SHA-256, taken as they left <c>btrfs send</c>, before any compression or encryption).
/// The last <see cref="HeldBack"/> bytes are held back until the whole stream proved to be that one, so a stream that
/// is not never reaches its end command, and btrfs receive never finishes a snapshot from it.
/// </summary>
internal sealed class ReceiveFeed(string stream, long totalBytes, string sha256, Stream receive) : IDisposable
{
    /// <summary>More than a send stream's end command (a 10-byte command header) and whatever precedes it in the last
    /// write.</summary>
    public const int HeldBack = 64 * 1024;

    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _tail = new byte[HeldBack];
    private readonly long _passFreely = Math.Max(0, totalBytes - HeldBack);
    private int _tailLength;

    /// <summary>Stream bytes taken so far.</summary>
    public long Fed { get; private set; }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Fed + data.Length > totalBytes)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {stream}: its chunks decode to more than the {totalBytes} bytes its manifest says; nothing of it was kept"
            );
        }

        _sha.AppendData(data.Span);
        int free = (int)Math.Clamp(_passFreely - Fed, 0, data.Length);
        Fed += data.Length;
        if (free > 0)
        {
            await receive.WriteAsync(data[..free], cancellationToken);
        }

        data[free..].Span.CopyTo(_tail.AsSpan(_tailLength));
        _tailLength += data.Length - free;
    }

    /// <summary>Proves the stream whole and the one named, then lets its last bytes through.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        string sha = Convert.ToHexStringLower(_sha.GetHashAndReset());
        if (Fed != totalBytes || sha != sha256)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {stream}: its chunks decode to {Fed} bytes with SHA-256 {sha}, but it left btrfs send as {totalBytes} bytes with SHA-256 {sha256}; its end was held back, so btrfs receive kept nothing of it"
            );
        }

        await receive.WriteAsync(_tail.AsMemory(0, _tailLength), cancellationToken);
    }

    public void Dispose() => _sha.Dispose();
}
