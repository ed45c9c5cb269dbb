using System.Collections.Immutable;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>What <c>enable_verity</c> set on a file: its fs-verity hash algorithm, Merkle tree block size, salt and
/// signature.</summary>
internal sealed record VeritySettings(
    int Algorithm,
    long BlockSize,
    ImmutableArray<byte> Salt,
    ImmutableArray<byte> Signature
)
{
    // A record compares an ImmutableArray by reference; two settings are equal when their bytes are.
    public bool Equals(VeritySettings? other) =>
        other is not null
        && Algorithm == other.Algorithm
        && BlockSize == other.BlockSize
        && Salt.AsSpan().SequenceEqual(other.Salt.AsSpan())
        && Signature.AsSpan().SequenceEqual(other.Signature.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Algorithm, BlockSize);
}
