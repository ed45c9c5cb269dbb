using System.Buffers;
using System.Security.Cryptography;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// Encrypts one file to age X25519 recipients as a stream, push-based: the caller hands it plaintext spans of any
/// length with <see cref="Write"/> and ends with <see cref="Finish"/>, and it writes the header and each sealed segment
/// to the output as soon as it may, holding at most one 64 KiB segment. The result decrypts with <c>age -d</c>.
/// </summary>
/// <remarks>
/// A full segment is held back until more plaintext arrives, because only then is it known not to be the final one
/// (whose nonce carries the final flag): a plaintext that ends on a segment boundary ends with that full segment, and
/// an empty plaintext is one empty final segment, as the spec wants. Spans longer than a segment are sealed straight
/// from the caller's memory; only the tail that may be final is copied.
/// </remarks>
internal sealed class AgeEncryptor : IDisposable
{
    private readonly byte[] _header;

    private readonly ChaCha20Poly1305 _aead;

    private readonly byte[] _pending = new byte[AgePayload.SegmentSize];

    private readonly byte[] _payloadNonce;

    private int _pendingLength;

    private long _segmentIndex;

    private bool _headerWritten;

    private bool _finished;

    private bool _disposed;

    public AgeEncryptor(IReadOnlyList<AgeRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0)
        {
            throw new ArgumentException("an age file needs at least one recipient", nameof(recipients));
        }

        byte[] fileKey = RandomNumberGenerator.GetBytes(AgePayload.FileKeySize);
        try
        {
            _header = AgeHeader.Write([.. recipients.Select(recipient => AgeX25519.Wrap(fileKey, recipient))], fileKey);
            _payloadNonce = RandomNumberGenerator.GetBytes(AgePayload.NonceSize);
            byte[] payloadKey = AgePayload.DeriveKey(fileKey, _payloadNonce);
            _aead = new ChaCha20Poly1305(payloadKey);
            CryptographicOperations.ZeroMemory(payloadKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>
    /// The size of what this class writes for <paramref name="plaintextSize"/> bytes to <paramref name="recipients"/>
    /// X25519 recipients (exact, so also the bound a disk quota needs): the header (version line, 98 bytes a stanza,
    /// the MAC line), the 16-byte nonce, the plaintext and a 16-byte tag a segment.
    /// </summary>
    public static long MaxSize(long plaintextSize, int recipients)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(recipients, 1);
        int share = AgeBase64.EncodedLength(AgeRecipient.KeySize);
        int body = AgeBase64.EncodedLength(AgePayload.FileKeySize + AgePayload.TagSize);
        long stanza = "-> X25519 ".Length + share + 1 + body + 1;
        long headerSize =
            AgeHeader.VersionLine.Length
            + 1
            + recipients * stanza
            + "--- ".Length
            + AgeBase64.EncodedLength(AgeHeader.MacSize)
            + 1;
        return headerSize
            + AgePayload.NonceSize
            + plaintextSize
            + AgePayload.SegmentCount(plaintextSize) * AgePayload.TagSize;
    }

    /// <summary>Encrypts <paramref name="plaintext"/>, writing the header first on the first call, and every segment
    /// known not to be the last.</summary>
    public void Write(ReadOnlySpan<byte> plaintext, IBufferWriter<byte> output)
    {
        CheckWritable(output);
        WriteHeader(output);
        while (!plaintext.IsEmpty)
        {
            if (_pendingLength == AgePayload.SegmentSize)
            {
                Seal(_pending, final: false, output);
                _pendingLength = 0;
            }

            if (_pendingLength == 0 && plaintext.Length > AgePayload.SegmentSize)
            {
                Seal(plaintext[..AgePayload.SegmentSize], final: false, output);
                plaintext = plaintext[AgePayload.SegmentSize..];
                continue;
            }

            int take = Math.Min(plaintext.Length, AgePayload.SegmentSize - _pendingLength);
            plaintext[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            plaintext = plaintext[take..];
        }
    }

    /// <summary>Writes the header if no plaintext came, and the final segment. Nothing may be written after
    /// it.</summary>
    public void Finish(IBufferWriter<byte> output)
    {
        CheckWritable(output);
        WriteHeader(output);
        Seal(_pending.AsSpan(0, _pendingLength), final: true, output);
        _pendingLength = 0;
        _finished = true;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _aead.Dispose();
            CryptographicOperations.ZeroMemory(_pending);
        }
    }

    private void CheckWritable(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished)
        {
            throw new InvalidOperationException("the age file is already finished");
        }
    }

    private void WriteHeader(IBufferWriter<byte> output)
    {
        if (!_headerWritten)
        {
            output.Write(_header);
            output.Write(_payloadNonce);
            _headerWritten = true;
        }
    }

    private void Seal(ReadOnlySpan<byte> segment, bool final, IBufferWriter<byte> output)
    {
        Span<byte> nonce = stackalloc byte[AgePayload.SegmentNonceSize];
        AgePayload.SegmentNonce(nonce, _segmentIndex, final);
        Span<byte> sealedSegment = output.GetSpan(segment.Length + AgePayload.TagSize)[
            ..(segment.Length + AgePayload.TagSize)
        ];
        _aead.Encrypt(nonce, segment, sealedSegment[..segment.Length], sealedSegment[segment.Length..]);
        output.Advance(sealedSegment.Length);
        _segmentIndex++;
    }
}
