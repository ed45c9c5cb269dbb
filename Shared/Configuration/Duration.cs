using System.Globalization;
using System.Text.RegularExpressions;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>Durations as people write them in the configuration: a whole number and one unit, s, m, h or d.</summary>
internal static partial class Duration
{
    public static TimeSpan? TryParse(string text)
    {
        Match match = Pattern().Match(text.Trim());
        if (
            !match.Success
            || !long.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out long n)
            || n > 100_000_000
        )
        {
            return null;
        }

        return match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    public static string Format(TimeSpan value) =>
        value switch
        {
            { TotalDays: >= 1 } when value.TotalDays % 1 == 0 => string.Create(
                CultureInfo.InvariantCulture,
                $"{value.TotalDays}d"
            ),
            { TotalHours: >= 1 } when value.TotalHours % 1 == 0 => string.Create(
                CultureInfo.InvariantCulture,
                $"{value.TotalHours}h"
            ),
            { TotalMinutes: >= 1 } when value.TotalMinutes % 1 == 0 => string.Create(
                CultureInfo.InvariantCulture,
                $"{value.TotalMinutes}m"
            ),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalSeconds}s"),
        };

    [GeneratedRegex("^([0-9]+)\\s*([smhd])$")]
    private static partial Regex Pattern();
}
