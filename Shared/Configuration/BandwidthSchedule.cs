using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// [uploader] bandwidth: the cap on the total transfer rate, over all connections, by local time of day; in the shape
/// of rclone's <c>--bwlimit</c> timetable. The text is one of
/// <list type="bullet">
/// <item><c>off</c>: no cap;</item>
/// <item>a rate per second: bits in decimal units (<c>500kbit</c>, <c>100Mbit</c>, <c>1Gbit</c>; 1 kbit = 1000 bits),
/// or bytes in the units sizes take (<c>800KiB</c>, <c>12MiB</c> binary, <c>12MB</c> decimal); an optional <c>/s</c>
/// may follow; a bare number is refused, since rclone reads it as KiB and people as bytes or bits;</item>
/// <item>a timetable, <c>HH:MM,RATE</c> entries (RATE may be <c>off</c>) apart by spaces, times increasing: each entry
/// holds from its time until the next one's, and the last also holds past midnight until the first, as in
/// rclone.</item>
/// </list>
/// Equal when written alike: the text is what logs and status show as "the schedule".
/// </summary>
internal sealed partial record BandwidthSchedule
{
    /// <summary>
    /// The least cap accepted, 500 kbit/s (62.5 kB/s). A cap below it is almost always a unit slip (kbit for Mbit, KB
    /// for MB) rather than a wish: it would take a month to send one 200 GiB chunk, and with [s3] concurrency parts
    /// sharing it every part request would run into [s3] request_timeout instead of going slowly.
    /// </summary>
    public const long MinimumBytesPerSecond = 62_500;

    public static readonly BandwidthSchedule Off = new("off", []);

    private static readonly (string Unit, long BitsPer)[] BitUnits =
    [
        ("kbit", 1000),
        ("Mbit", 1000_000),
        ("Gbit", 1000_000_000),
    ];

    private readonly (TimeOnly Start, long? BytesPerSecond)[] _entries;

    private BandwidthSchedule(string text, (TimeOnly Start, long? BytesPerSecond)[] entries)
    {
        Text = text;
        _entries = entries;
        IsOff = entries.All(e => e.BytesPerSecond is null);
    }

    /// <summary>The schedule as written, its entries apart by single spaces.</summary>
    public string Text { get; }

    /// <summary>No entry caps anything: the rate never needs looking up.</summary>
    public bool IsOff { get; }

    /// <summary>Parses the key's text; on failure the problem says what is wrong with which part, in one
    /// line.</summary>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out BandwidthSchedule? schedule,
        [NotNullWhen(false)] out string? problem
    )
    {
        schedule = null;
        text = text.Trim();
        if (text == "off")
        {
            schedule = Off;
            problem = null;
            return true;
        }

        if (!text.Contains(',', StringComparison.Ordinal))
        {
            // A single rate may be written with a space before its unit, as sizes may: "100 Mbit".
            if (!TryParseRate(text, out long? rate, out problem))
            {
                return false;
            }

            schedule = new BandwidthSchedule(text, [(TimeOnly.MinValue, rate)]);
            return true;
        }

        string[] parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var entries = new (TimeOnly Start, long? BytesPerSecond)[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            Match match = Entry().Match(parts[i]);
            if (!match.Success)
            {
                problem =
                    $"\"{parts[i]}\" is not a timetable entry (write HH:MM,RATE entries apart by spaces, e.g. 08:00,100Mbit 23:00,off)";
                return false;
            }

            string time = match.Groups["time"].Value;
            if (
                !TimeOnly.TryParseExact(
                    time,
                    "H:mm",
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.None,
                    out TimeOnly start
                )
            )
            {
                problem = $"\"{time}\" in \"{parts[i]}\" is not a time of day (HH:MM from 00:00 to 23:59)";
                return false;
            }

            if (i > 0 && start <= entries[i - 1].Start)
            {
                problem =
                    $"\"{parts[i]}\" does not come after {entries[i - 1].Start:HH:mm}: the times must increase through the day";
                return false;
            }

            string rateText = match.Groups["rate"].Value;
            long? rate = null;
            if (rateText != "off" && !TryParseRate(rateText, out rate, out problem))
            {
                problem = $"in \"{parts[i]}\": {problem}";
                return false;
            }

            entries[i] = (start, rate);
        }

        schedule = new BandwidthSchedule(string.Join(' ', parts), entries);
        problem = null;
        return true;
    }

    /// <summary>The cap in bytes per second at this local time of day; null for no cap.</summary>
    public long? BytesPerSecondAt(DateTime localTime)
    {
        if (IsOff)
        {
            return null;
        }

        // Before the day's first entry, the previous day's last one still holds. A loop, not a lambda over the time:
        // the limiter asks at every read, and a captured variable would allocate each time.
        TimeOnly now = TimeOnly.FromDateTime(localTime);
        int index = _entries.Length - 1;
        while (index >= 0 && _entries[index].Start > now)
        {
            index--;
        }

        return _entries[index >= 0 ? index : ^1].BytesPerSecond;
    }

    /// <summary>A cap as people read it beside the MB/s of the progress lines: "100 Mbit/s (12.5 MB/s)", or
    /// "off".</summary>
    public static string DescribeRate(long? bytesPerSecond)
    {
        if (bytesPerSecond is not { } bytes)
        {
            return "off";
        }

        double bits = bytes * 8.0;
        string inBits = bits switch
        {
            >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{bits / 1e9:0.##} Gbit/s"),
            >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{bits / 1e6:0.##} Mbit/s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bits / 1e3:0.##} kbit/s"),
        };
        string inBytes =
            bytes >= 1000_000
                ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.##} MB/s")
                : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.##} kB/s");
        return $"{inBits} ({inBytes})";
    }

    public bool Equals(BandwidthSchedule? other) => other is not null && Text == other.Text;

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;

    private static bool TryParseRate(string text, out long? bytesPerSecond, [NotNullWhen(false)] out string? problem)
    {
        bytesPerSecond = null;
        Match match = Rate().Match(text);
        if (!match.Success)
        {
            problem = $"\"{text}\" is not a rate (write e.g. 100Mbit, 12MB or 800KiB, or off)";
            return false;
        }

        string unit = match.Groups["unit"].Value;
        if (unit.Length == 0)
        {
            problem = $"\"{text}\" has no unit (write e.g. 100Mbit for bits or 12MB for bytes per second)";
            return false;
        }

        decimal number = decimal.Parse(
            match.Groups["number"].Value,
            NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture
        );
        decimal bytes;
        int bitUnit = Array.FindIndex(BitUnits, u => u.Unit.Equals(unit, StringComparison.OrdinalIgnoreCase));
        if (bitUnit >= 0)
        {
            bytes = number * BitUnits[bitUnit].BitsPer / 8;
        }
        else if (ByteSize.UnitFactor(unit) is { } factor)
        {
            bytes = number * factor;
        }
        else
        {
            problem =
                $"\"{text}\" has an unknown unit \"{unit}\" (bits: kbit, Mbit, Gbit; bytes: KiB, MiB, GiB, kB, MB, GB)";
            return false;
        }

        if (bytes == 0)
        {
            problem = $"\"{text}\" is no rate: a cap must be above zero (write off for no cap)";
            return false;
        }

        if (bytes < MinimumBytesPerSecond)
        {
            problem = $"\"{text}\" is below the least cap, {DescribeRate(MinimumBytesPerSecond)}";
            return false;
        }

        if (bytes > long.MaxValue)
        {
            problem = $"\"{text}\" is beyond any link's rate";
            return false;
        }

        bytesPerSecond = (long)decimal.Round(bytes);
        problem = null;
        return true;
    }

    // Nine digits at most, so that the number times the largest unit stays well inside a decimal.
    [GeneratedRegex(@"^(?<number>[0-9]{1,9}(\.[0-9]{1,9})?)\s*(?<unit>[A-Za-z]*)(/s)?$")]
    private static partial Regex Rate();

    [GeneratedRegex(@"^(?<time>[^,]*),(?<rate>[^,]*)$")]
    private static partial Regex Entry();
}
