using System.Globalization;
using System.Text.RegularExpressions;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using Microsoft.Extensions.Configuration;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Typed access to the keys of one section, the command-line overrides already laid over the file. A key that is not
/// given takes its default from <see cref="ConfigKeys"/>. Every accessor rejects a bad value with one line that names
/// the key and where it came from; none clamps a value into its range, since a configuration that says one thing and
/// runs another is worse than one that does not start.
/// </summary>
internal sealed partial class ConfigSection(IConfiguration root, ConfigSource source, string name)
{
    private readonly IConfigurationSection _values = root.GetSection(name);

    /// <summary>The file or the command-line flag a key's value came from, as errors name it.</summary>
    public string Where(string key) => source.Where(name, key);

    /// <summary>The failure for a rule over a key's value that no accessor knows, such as one key against
    /// another.</summary>
    public BackupFailure Error(string key, string problem) => ConfigError.At(Where(key), problem);

    /// <summary>The failure for the section as a whole, such as a free section that names nothing; it names the
    /// file.</summary>
    public BackupFailure Error(string problem) => ConfigError.At(source.File, $"[{name}] {problem}");

    /// <summary>
    /// The keys and raw values of a free section, whose keys are not known in advance ([subvolumes]); no defaults.
    /// </summary>
    public IEnumerable<(string Key, string? Value)> Entries() =>
        _values.GetChildren().Select(entry => (entry.Key, entry.Value));

    /// <summary>The value, trimmed, or the key's default; a key without a default must be given.</summary>
    public string Text(string key)
    {
        string? value = _values[key] ?? ConfigKeys.Known[name][key];
        if (value is null)
        {
            // No value came from the command line either, so it is the file that lacks the key.
            throw ConfigError.At($"{source.File}: [{name}] {key}", "is required and has no default");
        }

        // The INI reader keeps everything after '=', so "x ; note" would silently become part of the value.
        if (InlineComment().IsMatch(value))
        {
            throw ConfigError.At(Where(key), $"\"{value}\" holds an inline comment; put comments on their own line");
        }

        return value.Trim();
    }

    /// <summary>An absolute path, normalised and without a trailing separator.</summary>
    public string AbsolutePath(string key) => AbsolutePath(key, Text(key));

    /// <summary>
    /// Checks a value already in hand as an absolute path named by the key: the entries of a free section, which have
    /// no default and are checked as written.
    /// </summary>
    public string AbsolutePath(string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !Path.IsPathRooted(value))
        {
            throw ConfigError.At(Where(key), $"\"{value}\" is not an absolute path");
        }

        if (InlineComment().IsMatch(value))
        {
            throw ConfigError.At(Where(key), $"\"{value}\" holds an inline comment; put comments on their own line");
        }

        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(value.Trim()));
    }

    /// <summary>Empty for none, else an absolute path as <see cref="AbsolutePath(string)"/> reads it.</summary>
    public string OptionalAbsolutePath(string key) => Text(key).Length > 0 ? AbsolutePath(key) : string.Empty;

    /// <summary>A size in bytes as <see cref="ByteSize"/> reads it, from min to max; max = long.MaxValue means no upper
    /// bound.</summary>
    public long Size(string key, long min, long max)
    {
        string text = Text(key);
        long? size = ByteSize.TryParse(text);
        if (size is null)
        {
            throw ConfigError.At(Where(key), $"\"{text}\" is not a size (write e.g. 64MiB, 200GiB or plain bytes)");
        }

        if (size < min || size > max)
        {
            string range =
                max == long.MaxValue
                    ? $"at least {ByteSize.Format(min)}"
                    : $"from {ByteSize.Format(min)} to {ByteSize.Format(max)}";
            throw ConfigError.At(Where(key), $"{text} is out of range: it must be {range}");
        }

        return size.Value;
    }

    /// <summary>A whole number without sign from min to max.</summary>
    public int Integer(string key, int min, int max)
    {
        string text = Text(key);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            throw ConfigError.At(Where(key), $"\"{text}\" is not a whole number");
        }

        if (value < min || value > max)
        {
            throw ConfigError.At(Where(key), $"{value} is out of range: it must be from {min} to {max}");
        }

        return value;
    }

    /// <summary>A price in US dollars: digits with an optional decimal point, no sign.</summary>
    public decimal Price(string key)
    {
        string text = Text(key);
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value)
            ? value
            : throw ConfigError.At(
                Where(key),
                $"\"{text}\" is not a price (a decimal number of US dollars, e.g. 0.00099)"
            );
    }

    /// <summary>One of the choices, spelt exactly as given.</summary>
    public string Choice(string key, params string[] choices)
    {
        string text = Text(key);
        return choices.Contains(text)
            ? text
            : throw ConfigError.At(Where(key), $"\"{text}\" is not one of {string.Join(", ", choices)}");
    }

    /// <summary>A duration as <see cref="Configuration.Duration"/> reads it, from min to max.</summary>
    public TimeSpan Duration(string key, TimeSpan min, TimeSpan max)
    {
        string text = Text(key);
        TimeSpan? value = Configuration.Duration.TryParse(text);
        if (value is null)
        {
            throw ConfigError.At(Where(key), $"\"{text}\" is not a duration (write e.g. 90s, 15m, 2h or 7d)");
        }

        if (value < min || value > max)
        {
            throw ConfigError.At(
                Where(key),
                $"{text} is out of range: it must be from {Configuration.Duration.Format(min)} to {Configuration.Duration.Format(max)}"
            );
        }

        return value.Value;
    }

    /// <summary>A bandwidth cap as <see cref="BandwidthSchedule"/> reads it: off, a rate, or a timetable of
    /// rates.</summary>
    public BandwidthSchedule Bandwidth(string key)
    {
        string text = Text(key);
        return BandwidthSchedule.TryParse(text, out BandwidthSchedule? schedule, out string? problem)
            ? schedule
            : throw ConfigError.At(Where(key), problem);
    }

    /// <summary>One rate in bits per second, written as a bandwidth cap is (<c>100Mbit</c>); returned in bytes per
    /// second.</summary>
    public long Rate(string key)
    {
        string text = Text(key);
        if (text.Contains(',', StringComparison.Ordinal) || text == "off")
        {
            throw ConfigError.At(Where(key), $"\"{text}\" is not a rate (write one, e.g. 100Mbit)");
        }

        return BandwidthSchedule.TryParse(text, out BandwidthSchedule? schedule, out string? problem)
            ? schedule.BytesPerSecondAt(DateTime.MinValue)!.Value
            : throw ConfigError.At(Where(key), problem);
    }

    /// <summary>How many local snapshots stay: <c>minimal</c> or <c>keep_last:N</c> with N from 1 to 10000.</summary>
    public LocalRetention Retention(string key)
    {
        string text = Text(key);
        if (text == "minimal")
        {
            return LocalRetention.Minimal;
        }

        Match match = KeepLast().Match(text);
        if (
            match.Success
            && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out int n)
            && n is >= 1 and <= 10_000
        )
        {
            return new LocalRetention(n);
        }

        throw ConfigError.At(
            Where(key),
            $"\"{text}\" is not a retention (write minimal or keep_last:N with N from 1 to 10000)"
        );
    }

    /// <summary>One of <see cref="S3Limits.StorageClasses"/>, upper case as S3 spells them.</summary>
    public string StorageClass(string key)
    {
        string text = Text(key);
        if (!S3Limits.StorageClasses.Contains(text))
        {
            throw ConfigError.At(
                Where(key),
                $"\"{text}\" is not an S3 storage class (one of {string.Join(", ", S3Limits.StorageClasses)})"
            );
        }

        return text;
    }

    /// <summary>Empty (only the spooler runs without a bucket), or an S3 bucket name.</summary>
    public string BucketName(string key)
    {
        string text = Text(key);
        if (text.Length > 0 && !Bucket().IsMatch(text))
        {
            throw ConfigError.At(
                Where(key),
                $"\"{text}\" is not a valid bucket name (3 to 63 lower-case letters, digits, '.' and '-')"
            );
        }

        return text;
    }

    /// <summary>An S3 key prefix: empty, or ending with '/', never starting with '/' nor holding '//'.</summary>
    public string Prefix(string key)
    {
        string text = Text(key);
        if (!Format.FormatGrammar.Prefix(text))
        {
            throw ConfigError.At(
                Where(key),
                $"{Format.FieldCheck.Show(text)} is not a key prefix: it must be empty or end with '/', and have no empty, '.' or '..' part, no control character, and at most {Format.FormatGrammar.MaxKeyLength / 2} characters"
            );
        }

        return text;
    }

    /// <summary>Empty for AWS, or an http:// or https:// URL of another S3 server.</summary>
    public string Endpoint(string key)
    {
        string text = Text(key);
        if (
            text.Length > 0
            && (
                !Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            )
        )
        {
            throw ConfigError.At(Where(key), $"\"{text}\" is not an http:// or https:// URL (leave it empty for AWS)");
        }

        return text;
    }

    [GeneratedRegex(@"\s[;#]")]
    private static partial Regex InlineComment();

    [GeneratedRegex(@"^keep_last:([0-9]+)$")]
    private static partial Regex KeepLast();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex Bucket();
}
