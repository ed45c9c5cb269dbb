using System.Collections.Immutable;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>An extended attribute: its name and value, both bytes.</summary>
internal sealed record Xattr(EntryName Name, ImmutableArray<byte> Value)
{
    // A record compares an ImmutableArray by reference; two xattrs are equal when their bytes are.
    public bool Equals(Xattr? other) =>
        other is not null && Name == other.Name && Value.AsSpan().SequenceEqual(other.Value.AsSpan());

    public override int GetHashCode() => Name.GetHashCode();
}
