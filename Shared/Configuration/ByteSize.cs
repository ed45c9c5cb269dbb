using System.Globalization;
using System.Text.RegularExpressions;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>Sizes as people write them in the configuration: <c>512MiB</c>, <c>200GiB</c>, <c>1.5TiB</c> or plain
/// bytes.</summary>
internal static partial class ByteSize
{
    public const long KiB = 1024;
    public const long MiB = 1024 * KiB;
    public const long GiB = 1024 * MiB;
    public const long TiB = 1024 * GiB;

    private static readonly (string Unit, long Factor)[] Units =
    [
        ("B", 1),
        ("KiB", KiB),
        ("MiB", MiB),
        ("GiB", GiB),
        ("TiB", TiB),
        // Decimal units are accepted because S3 prices and disk labels use them; they are never guessed from binary
        // ones.
        ("kB", 1000),
        ("KB", 1000),
        ("MB", 1000_000),
        ("GB", 1000_000_000),
        ("TB", 1000_000_000_000),
    ];

    /// <summary>Parses a size; null when the text is not one (the caller names the key in its message).</summary>
    public static long? TryParse(string text)
    {
        Match match = SizePattern().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }

        string unit = match.Groups["unit"].Value;
        long factor = 1;
        if (unit.Length > 0)
        {
            if (UnitFactor(unit) is not { } known)
            {
                return null;
            }

            factor = known;
        }

        // decimal holds 28 digits: a longer number is no size this tool could take, not an overflow to fail on.
        if (
            !decimal.TryParse(
                match.Groups["number"].Value,
                NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture,
                out decimal number
            )
            || number > long.MaxValue / factor
        )
        {
            return null;
        }

        decimal bytes = number * factor;
        if (bytes != decimal.Truncate(bytes) || bytes > long.MaxValue)
        {
            return null;
        }

        return (long)bytes;
    }

    /// <summary>The bytes one unit stands for (<c>MiB</c>, <c>MB</c>, ...), spelt exactly; null for an unknown
    /// unit.</summary>
    public static long? UnitFactor(string unit)
    {
        int index = Array.FindIndex(Units, u => u.Unit == unit);
        return index < 0 ? null : Units[index].Factor;
    }

    /// <summary>The largest binary unit that expresses the size exactly, else bytes with an approximation.</summary>
    public static string Format(long bytes)
    {
        foreach ((string unit, long factor) in new[] { ("TiB", TiB), ("GiB", GiB), ("MiB", MiB), ("KiB", KiB) })
        {
            if (bytes >= factor && bytes % factor == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / factor}{unit}");
            }
        }

        return bytes >= MiB
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes ({bytes / (double)MiB:0.0} MiB)")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
    }

    /// <summary>An approximate size for people: "58.7 GiB", "512 bytes".</summary>
    public static string Human(long bytes)
    {
        foreach ((string unit, long factor) in new[] { ("TiB", TiB), ("GiB", GiB), ("MiB", MiB), ("KiB", KiB) })
        {
            if (bytes >= factor)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)factor:0.0} {unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
    }

    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?)\s*(?<unit>[A-Za-z]*)$")]
    private static partial Regex SizePattern();
}
