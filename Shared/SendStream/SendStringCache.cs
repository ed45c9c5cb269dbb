namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// The strings of the last few names decoded, to hand out again when the same bytes come back: consecutive commands
/// name the same file (a large file's writes, every one of its 48 KiB or 128 KiB pieces; a rename's new path, then
/// the commands on it), so a stream of 110 million writes decodes a few hundred thousand paths, not 110 million.
/// </summary>
internal sealed class SendStringCache
{
    // Four entries catch a rename (its two paths, then the new one again) and a clone (path and clone path) besides
    // the plain run of one path; a lookup compares lengths first, so misses cost little.
    private const int Entries = 4;

    private readonly byte[][] _bytes = new byte[Entries][];
    private readonly int[] _lengths = new int[Entries];
    private readonly string?[] _strings = new string?[Entries];
    private int _next;

    public SendStringCache()
    {
        for (int i = 0; i < Entries; i++)
        {
            _bytes[i] = new byte[64];
        }
    }

    public string Get(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < Entries; i++)
        {
            if (
                _lengths[i] == bytes.Length
                && _strings[i] is { } cached
                && bytes.SequenceEqual(_bytes[i].AsSpan(0, bytes.Length))
            )
            {
                return cached;
            }
        }

        string decoded = LosslessUtf8.Decode(bytes);
        int slot = _next;
        _next = (_next + 1) % Entries;
        if (_bytes[slot].Length < bytes.Length)
        {
            _bytes[slot] = new byte[Math.Max(bytes.Length, _bytes[slot].Length * 2)];
        }

        bytes.CopyTo(_bytes[slot]);
        _lengths[slot] = bytes.Length;
        _strings[slot] = decoded;
        return decoded;
    }
}
