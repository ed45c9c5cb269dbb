using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// Decrypts an age file as a read-only, forward-only stream: reads and checks the header strictly (age spec and the
/// C2SP test vectors), unwraps the file key with the first identity that matches an X25519 stanza, checks the header
/// MAC, then hands out the payload one authenticated 64 KiB segment at a time. Plaintext is released only once its
/// segment has been authenticated; what is wrong after it (the input ends after a segment that is not the final one,
/// or goes on after the final one) throws on the next read, as the reference implementation does and the test
/// vectors expect. So a reader that reads to the end without an exception has the whole file, unchanged: truncation,
/// reordering and appended bytes all throw.
/// </summary>
/// <remarks>
/// Every failure is an <see cref="AgeException"/> with one line saying what is wrong; after one, every read throws it
/// again. Stanzas of other types are skipped (age allows them), but a passphrase (scrypt) stanza is never accepted
/// beside others, as the spec requires, and a passphrase-only file is refused as such.
/// </remarks>
internal sealed class AgeDecryptor : Stream
{
    /// <summary>Far above any real header (98 bytes an X25519 recipient), so that garbage cannot make us hold
    /// gigabytes.</summary>
    private const int MaxHeaderSize = 1 << 20;

    private readonly Stream _ciphertext;

    private readonly IReadOnlyList<AgeIdentity> _identities;

    private readonly bool _leaveOpen;

    /// <summary>Room for one sealed full segment and one byte more: that byte is what tells a full segment is not the
    /// final one.</summary>
    private readonly byte[] _input = new byte[AgePayload.SealedSegmentSize + 1];

    private readonly byte[] _plaintext = new byte[AgePayload.SegmentSize];

    private int _inputStart;

    private int _inputEnd;

    private bool _inputEnded;

    private int _plaintextStart;

    private int _plaintextEnd;

    private ChaCha20Poly1305? _aead;

    private long _segmentIndex;

    private bool _finished;

    private AgeException? _failure;

    /// <summary>A fault found after the segment being handed out, thrown once that segment has been read.</summary>
    private AgeException? _failureAfterSegment;

    private bool _disposed;

    public AgeDecryptor(Stream ciphertext, IReadOnlyList<AgeIdentity> identities, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(identities);
        if (identities.Count == 0)
        {
            throw new ArgumentException("decrypting needs at least one identity", nameof(identities));
        }

        _ciphertext = ciphertext;
        _identities = identities;
        _leaveOpen = leaveOpen;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Whether <paramref name="head"/>, the start of a file, is the start of an age file of any version (a version
    /// other than v1 is then refused by the decryptor by name); give it at least the 19 bytes of "age-encryption.org/".
    /// </summary>
    public static bool IsAge(ReadOnlySpan<byte> head) => head.StartsWith("age-encryption.org/"u8);

    /// <summary>
    /// Reads and checks the header and the payload nonce, and unwraps the file key, if not done yet: the first read
    /// does it anyway, but calling it first tells a wrong identity or a damaged header apart from a damaged payload.
    /// </summary>
    public void ReadHeader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw _failure;
        }

        if (_aead is not null)
        {
            return;
        }

        try
        {
            _aead = ReadHeaderAndKey();
        }
        catch (AgeException e)
        {
            _failure = e;
            throw;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        ReadHeader();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        try
        {
            while (_plaintextStart == _plaintextEnd)
            {
                if (_failureAfterSegment is not null)
                {
                    throw _failureAfterSegment;
                }

                if (_finished)
                {
                    return 0;
                }

                OpenNextSegment(_aead!);
            }
        }
        catch (AgeException e)
        {
            _failure = e;
            throw;
        }

        int count = Math.Min(buffer.Length, _plaintextEnd - _plaintextStart);
        _plaintext.AsSpan(_plaintextStart, count).CopyTo(buffer);
        _plaintextStart += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _aead?.Dispose();
            CryptographicOperations.ZeroMemory(_plaintext);
            if (!_leaveOpen)
            {
                _ciphertext.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static AgeException Truncated(string where) => new($"the age file is truncated: it ends {where}");

    private ChaCha20Poly1305 ReadHeaderAndKey()
    {
        FillAtLeast(AgeHeader.Intro.Length);
        if (!IsAge(_input.AsSpan(_inputStart, _inputEnd - _inputStart)))
        {
            throw new AgeException($"not an age file: it does not start with {AgeHeader.VersionLine}");
        }

        var headerBytes = new ArrayBufferWriter<byte>();
        ReadOnlySpan<byte> line = ReadLine();
        if (!line.SequenceEqual("age-encryption.org/v1\n"u8))
        {
            throw new AgeException(
                $"the age file is of version {Printable(line[AgeHeader.Intro.Length..^1])}; only v1 is supported"
            );
        }

        headerBytes.Write(line);
        do
        {
            line = ReadLine();
            headerBytes.Write(line);
            if (headerBytes.WrittenCount > MaxHeaderSize)
            {
                throw new AgeException(
                    $"the age header is longer than {MaxHeaderSize / 1024 / 1024} MiB without its MAC line; this is no age file this tool reads"
                );
            }
        } while (!line.StartsWith("---"u8));

        AgeHeader header = AgeHeader.Parse(headerBytes.WrittenSpan);
        byte[] fileKey = UnwrapFileKey(header);
        try
        {
            byte[] mac = AgeHeader.ComputeMac(fileKey, headerBytes.WrittenSpan[..header.MacedLength]);
            if (!CryptographicOperations.FixedTimeEquals(mac, header.Mac))
            {
                throw new AgeException("the age header's MAC does not match: the header was changed or damaged");
            }

            FillAtLeast(AgePayload.NonceSize);
            if (_inputEnd - _inputStart < AgePayload.NonceSize)
            {
                throw Truncated("in the payload nonce, right after the header");
            }

            byte[] payloadKey = AgePayload.DeriveKey(fileKey, _input.AsSpan(_inputStart, AgePayload.NonceSize));
            _inputStart += AgePayload.NonceSize;
            var payloadAead = new ChaCha20Poly1305(payloadKey);
            CryptographicOperations.ZeroMemory(payloadKey);
            return payloadAead;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    private byte[] UnwrapFileKey(AgeHeader header)
    {
        if (header.Stanzas.Any(stanza => stanza.Type == "scrypt"))
        {
            throw new AgeException(
                header.Stanzas.Count == 1
                    ? "the age file is encrypted with a passphrase (scrypt); only X25519 identities (AGE-SECRET-KEY-1…) are supported"
                    : "the age header has a passphrase (scrypt) stanza beside other stanzas, which the age spec forbids"
            );
        }

        byte[]? fileKey = null;
        int recipients = 0;
        for (int i = 0; i < header.Stanzas.Count; i++)
        {
            AgeStanza stanza = header.Stanzas[i];
            if (stanza.Type != AgeX25519.StanzaType)
            {
                continue;
            }

            recipients++;
            byte[] share = AgeX25519.CheckForm(stanza, i + 1);
            foreach (AgeIdentity identity in _identities)
            {
                fileKey ??= AgeX25519.Unwrap(stanza, share, i + 1, identity);
            }
        }

        if (fileKey is not null)
        {
            return fileKey;
        }

        string[] sources = [.. _identities.Select(identity => identity.Source).OfType<string>().Distinct()];
        string where = sources.Length > 0 ? $"in {string.Join(", ", sources)}" : "given";
        int others = header.Stanzas.Count - recipients;
        string otherTypes =
            others == 0
                ? string.Empty
                : $", and {others} of other types ({string.Join(", ", header.Stanzas.Select(stanza => stanza.Type).Where(type => type != AgeX25519.StanzaType).Distinct().Select(Printable))})";
        throw new AgeException(
            $"no identity {where} matches a recipient of this file (it is encrypted to {recipients} X25519 recipient{(recipients == 1 ? string.Empty : "s")}{otherTypes})"
        );
    }

    /// <summary>
    /// Authenticates the next segment into <see cref="_plaintext"/>. Which nonce flag to try first is decided by
    /// whether more input follows; when that fails, the other flag is tried: a segment that authenticates with it is
    /// still genuine, so it is released, and the fault it shows (data after the final segment, or the input cut at a
    /// segment boundary) is thrown on the next read.
    /// </summary>
    private void OpenNextSegment(ChaCha20Poly1305 payloadAead)
    {
        FillAtLeast(_input.Length);
        int available = _inputEnd - _inputStart;
        ReadOnlySpan<byte> sealedSegment = _input.AsSpan(
            _inputStart,
            Math.Min(available, AgePayload.SealedSegmentSize)
        );
        long number = _segmentIndex + 1;
        if (available > AgePayload.SealedSegmentSize)
        {
            if (!TryOpen(payloadAead, sealedSegment, final: false))
            {
                _failureAfterSegment = TryOpen(payloadAead, sealedSegment, final: true)
                    ? new AgeException(
                        $"the age file has data after its final payload segment ({number}): bytes were appended"
                    )
                    : throw new AgeException($"payload segment {number} failed authentication (the file is damaged)");
            }
        }
        else
        {
            if (available == 0)
            {
                throw Truncated("after the payload nonce, with no payload segment");
            }

            if (available < AgePayload.TagSize)
            {
                throw Truncated($"in payload segment {number}, shorter than its tag");
            }

            if (TryOpen(payloadAead, sealedSegment, final: true))
            {
                if (available == AgePayload.TagSize && _segmentIndex > 0)
                {
                    throw new AgeException(
                        $"the age file's final payload segment ({number}) is empty, which age allows only for an empty file"
                    );
                }

                _finished = true;
            }
            else
            {
                _failureAfterSegment =
                    available == AgePayload.SealedSegmentSize && TryOpen(payloadAead, sealedSegment, final: false)
                        ? Truncated($"after payload segment {number}, which is not the final one")
                        : throw new AgeException(
                            $"payload segment {number} failed authentication (the file is damaged or truncated)"
                        );
            }
        }

        _inputStart += sealedSegment.Length;
        _plaintextStart = 0;
        _plaintextEnd = sealedSegment.Length - AgePayload.TagSize;
        _segmentIndex++;
    }

    private bool TryOpen(ChaCha20Poly1305 payloadAead, ReadOnlySpan<byte> sealedSegment, bool final)
    {
        Span<byte> nonce = stackalloc byte[AgePayload.SegmentNonceSize];
        AgePayload.SegmentNonce(nonce, _segmentIndex, final);
        int length = sealedSegment.Length - AgePayload.TagSize;
        try
        {
            payloadAead.Decrypt(nonce, sealedSegment[..length], sealedSegment[length..], _plaintext.AsSpan(0, length));
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    /// <summary>The next header line, its line feed included; it stays valid until the next read of the
    /// input.</summary>
    private ReadOnlySpan<byte> ReadLine()
    {
        int searched = 0;
        while (true)
        {
            int end = _input.AsSpan(_inputStart + searched, _inputEnd - _inputStart - searched).IndexOf((byte)'\n');
            if (end >= 0)
            {
                ReadOnlySpan<byte> line = _input.AsSpan(_inputStart, searched + end + 1);
                _inputStart += line.Length;
                return line;
            }

            searched = _inputEnd - _inputStart;
            if (searched == _input.Length)
            {
                throw new AgeException(
                    $"the age header has a line longer than {_input.Length} bytes; this is no age file this tool reads"
                );
            }

            if (!FillAtLeast(searched + 1))
            {
                throw Truncated("in the header");
            }
        }
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are held or the input ends; false when it ended
    /// first.</summary>
    private bool FillAtLeast(int count)
    {
        if (_inputStart > 0 && _inputEnd - _inputStart < count)
        {
            _input.AsSpan(_inputStart, _inputEnd - _inputStart).CopyTo(_input);
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }

        while (_inputEnd - _inputStart < count && !_inputEnded)
        {
            int read = _ciphertext.Read(_input, _inputEnd, _input.Length - _inputEnd);
            if (read == 0)
            {
                _inputEnded = true;
            }

            _inputEnd += read;
        }

        return _inputEnd - _inputStart >= count;
    }

    /// <summary>Text from the file for an error message: printable ASCII only, and short.</summary>
    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes[..Math.Min(bytes.Length, 20)])
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        }

        return bytes.Length > 20 ? text.Append('…').ToString() : text.ToString();
    }

    private static string Printable(string text) => Printable(Encoding.ASCII.GetBytes(text));
}
