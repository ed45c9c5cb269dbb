using System.Text;
using System.Text.Json;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// The catalog's names of an enum's members (<see cref="CatalogField"/>, <see cref="CatalogOp"/>): their snake_case,
/// found from a line's UTF-8 bytes without making a string, since every line names several.
/// </summary>
internal static class CatalogNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly TEnum[] Members = Enum.GetValues<TEnum>();

    /// <summary>Each member's name, in member order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [.. Members.Select(m => JsonNamingPolicy.SnakeCaseLower.ConvertName(m.ToString()))];

    // Initialised after Names, which it reads.
    /// <summary>The members' names by length, each with its member: a name is compared only with those of its
    /// length.</summary>
    private static readonly (byte[] Name, TEnum Member)[][] ByLength = Index();

    public static string Name(TEnum member) => Names[Array.IndexOf(Members, member)];

    public static bool TryFind(ReadOnlySpan<byte> name, out TEnum member)
    {
        if (name.Length < ByLength.Length)
        {
            foreach ((byte[] candidate, TEnum found) in ByLength[name.Length])
            {
                if (name.SequenceEqual(candidate))
                {
                    member = found;
                    return true;
                }
            }
        }

        member = default;
        return false;
    }

    private static (byte[] Name, TEnum Member)[][] Index()
    {
        var named = Members.Select(m => (Name: Encoding.UTF8.GetBytes(Name(m)), Member: m)).ToList();
        var index = new (byte[] Name, TEnum Member)[named.Max(n => n.Name.Length) + 1][];
        for (int length = 0; length < index.Length; length++)
        {
            index[length] = [.. named.Where(n => n.Name.Length == length)];
        }

        return index;
    }
}
