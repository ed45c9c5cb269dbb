using System.Buffers.Binary;
using System.Text;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Shared.SendStream;

namespace BtrfsToS3.Tests.Shared.SendStream;

/// <summary>
/// Writes send streams by hand, for what no kernel here sends (protocol 3, corrupt structure): the header, then
/// commands of attributes, each with its CRC-32C unless a test gives another.
/// </summary>
internal sealed class SyntheticStream
{
    private readonly List<byte> _bytes = [];

    public SyntheticStream(int version)
    {
        Version = version;
        _bytes.AddRange("btrfs-stream\0"u8.ToArray());
        AddU32((uint)version);
    }

    public int Version { get; }

    public long Length => _bytes.Count;

    /// <summary>A subvol command for the stream's start.</summary>
    public SyntheticStream Subvol() =>
        Command(
            SendCommandKind.Subvol,
            (SendAttributeKind.Path, Text("snap")),
            (SendAttributeKind.Uuid, new byte[16]),
            (SendAttributeKind.Ctransid, U64(7))
        );

    public SyntheticStream End() => Command(SendCommandKind.End);

    /// <summary>A command of attributes, written in the given order; from v2 on data is written as the type alone,
    /// and must come last.</summary>
    public SyntheticStream Command(SendCommandKind kind, params (SendAttributeKind Kind, byte[] Value)[] attributes)
    {
        var payload = new List<byte>();
        foreach ((SendAttributeKind attribute, byte[] value) in attributes)
        {
            payload.AddRange(U16((ushort)attribute));
            if (attribute != SendAttributeKind.Data || Version == 1)
            {
                payload.AddRange(U16((ushort)value.Length));
            }

            payload.AddRange(value);
        }

        return Raw((ushort)kind, [.. payload]);
    }

    /// <summary>A command of any number and payload; its CRC computed unless <paramref name="crc"/> is given, its
    /// length the payload's unless <paramref name="length"/> is.</summary>
    public SyntheticStream Raw(ushort kind, byte[] payload, uint? crc = null, uint? length = null)
    {
        var command = new byte[10 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(command, length ?? (uint)payload.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(command.AsSpan(4), kind);
        payload.CopyTo(command, 10);
        BinaryPrimitives.WriteUInt32LittleEndian(command.AsSpan(6), crc ?? Crc32C.OfSeedZero(command));
        _bytes.AddRange(command);
        return this;
    }

    public SyntheticStream Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private void AddU32(uint value) => _bytes.AddRange(U32(value));
}
