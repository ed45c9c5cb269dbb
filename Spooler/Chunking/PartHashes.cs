using System.IO.Hashing;
using System.Security.Cryptography;
using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Spooler.Chunking;

/// <summary>
/// The MD5 and CRC-32 of each of a chunk's upload parts, and the CRC-32 of the whole chunk, fed in order. From the MD5s
/// comes the ETag S3 will report for the chunk; each part is sent with both, so S3 refuses a part whose bytes changed
/// on the spool; the whole CRC-32 is what S3 checks, and keeps, for the object.
/// </summary>
internal sealed class PartHashes(long partSize) : IDisposable
{
    private readonly List<byte[]> _md5s = [];
    private readonly List<PartRecord> _parts = [];
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly Crc32 _partCrc = new();
    private readonly Crc32 _chunkCrc = new();
    private long _inPart;

    public void Append(ReadOnlySpan<byte> data)
    {
        _chunkCrc.Append(data);
        while (!data.IsEmpty)
        {
            int take = (int)Math.Min(data.Length, partSize - _inPart);
            _md5.AppendData(data[..take]);
            _partCrc.Append(data[..take]);
            _inPart += take;
            data = data[take..];
            if (_inPart == partSize)
            {
                EndPart();
            }
        }
    }

    /// <summary>Every part, the last one shorter unless the chunk ends on a part boundary; the ETag; the chunk's
    /// CRC-32.</summary>
    public (IReadOnlyList<PartRecord> Parts, string Etag, string Crc32) Finish()
    {
        if (_inPart > 0 || _parts.Count == 0)
        {
            EndPart();
        }

        return (_parts, S3Etag.FromPartMd5s(_md5s), S3Crc32.Encode(_chunkCrc.GetCurrentHashAsUInt32()));
    }

    private void EndPart()
    {
        byte[] md5 = _md5.GetHashAndReset();
        _md5s.Add(md5);
        _parts.Add(new PartRecord(Convert.ToHexStringLower(md5), S3Crc32.Encode(_partCrc.GetCurrentHashAsUInt32())));
        _partCrc.Reset();
        _inPart = 0;
    }

    public void Dispose() => _md5.Dispose();
}
