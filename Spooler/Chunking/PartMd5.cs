using System.Security.Cryptography;

namespace BtrfsToS3.Spooler.Chunking;

/// <summary>MD5s of a chunk's upload parts, fed in order; from them comes the ETag S3 will report for the chunk.</summary>
internal sealed class PartMd5(long partSize) : IDisposable
{
    private readonly List<byte[]> _parts = [];
    private IncrementalHash _current = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private long _inPart;

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int take = (int)Math.Min(data.Length, partSize - _inPart);
            _current.AppendData(data[..take]);
            _inPart += take;
            data = data[take..];
            if (_inPart == partSize)
            {
                _parts.Add(_current.GetHashAndReset());
                _inPart = 0;
            }
        }
    }

    /// <summary>The MD5 of every part, the last one shorter unless the chunk ends on a part boundary.</summary>
    public IReadOnlyList<byte[]> Finish()
    {
        if (_inPart > 0 || _parts.Count == 0)
        {
            _parts.Add(_current.GetHashAndReset());
            _inPart = 0;
        }

        return _parts;
    }

    public void Dispose() => _current.Dispose();
}
