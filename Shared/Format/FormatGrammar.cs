using System.Globalization;
using System.Text.RegularExpressions;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Format;

/// <summary>
/// The grammar of every field that becomes a name, key, path or hash (docs/FORMAT.md, "Field grammar"): the one place
/// that says what such a field may hold, for what the tools write and what they read back alike.
/// </summary>
internal static partial class FormatGrammar
{
    /// <summary>Nested paths are at most this long (Linux's PATH_MAX): longer ones cannot be made under a target
    /// anyway.</summary>
    public const int MaxPathLength = 4096;

    /// <summary>S3 keys are at most this many bytes of UTF-8 (S3 user guide, "Naming Amazon S3 objects").</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>A configured subvolume's name: what the [subvolumes] keys take.</summary>
    public static bool ConfiguredName(string name) => ConfiguredPattern().IsMatch(name);

    /// <summary>A subvolume's name: a configured one's, or a nested one's (<see cref="NestedName"/>).</summary>
    public static bool SubvolumeName(string name) =>
        name.Length <= NestedName.MaxLength && (ConfiguredName(name) || NestedPattern().IsMatch(name));

    /// <summary>
    /// A nested subvolume's path below its configured one: relative, '/'-separated, without empty, '.' or '..' parts
    /// and without NUL, so that joined to a directory it always names something inside it.
    /// </summary>
    public static bool RelativePath(string path) =>
        path.Length is > 0 and <= MaxPathLength
        && !path.Contains('\0', StringComparison.Ordinal)
        && path.Split('/').All(part => part.Length > 0 && part != "." && part != "..");

    /// <summary>
    /// An S3 key prefix ([s3] prefix): empty, or '/'-separated parts ending in '/', none empty, '.' or '..', nor
    /// holding a control character, and within S3's key length with room for the keys below it.
    /// </summary>
    public static bool Prefix(string prefix) =>
        prefix.Length == 0
        || (
            prefix.Length <= MaxKeyLength / 2
            && prefix.EndsWith('/')
            && !prefix.Any(char.IsControl)
            && prefix[..^1].Split('/').All(part => part.Length > 0 && part != "." && part != "..")
        );

    /// <summary>A generation's name: a UTC time as snapshot names end in.</summary>
    public static bool Generation(string name) => SnapshotName.TryParse($"x.{name}", out _, out _);

    /// <summary>A btrfs UUID as btrfs prints it (either case).</summary>
    public static bool Uuid(string text) => UuidPattern().IsMatch(text);

    /// <summary>A SHA-256 in lower-case hex.</summary>
    public static bool Sha256(string text) => Hex(text, 64);

    /// <summary>An MD5 in lower-case hex.</summary>
    public static bool Md5(string text) => Hex(text, 32);

    /// <summary>An ETag as S3 computes it (<see cref="Hashing.S3Etag"/>), without quotes.</summary>
    public static bool Etag(string text) => EtagPattern().IsMatch(text);

    /// <summary>A CRC-32 as S3 writes it: 4 bytes in base64.</summary>
    public static bool Crc32(string text) => Crc32Pattern().IsMatch(text);

    /// <summary>A recipient's fingerprint (<see cref="ChunkEncoding.Fingerprint"/>).</summary>
    public static bool Fingerprint(string text) => FingerprintPattern().IsMatch(text);

    /// <summary>What S3 hands back as an id (a version id, an upload id): printable ASCII, no spaces, at most 1,024
    /// characters.</summary>
    public static bool S3Id(string text) => text.Length is > 0 and <= 1024 && text.All(c => c is > ' ' and <= '~');

    /// <summary>A storage class a PUT may name.</summary>
    public static bool StorageClass(string text) => S3Limits.StorageClasses.Contains(text);

    /// <summary>The name of chunk <paramref name="index"/>: <c>chunk-</c> and six digits.</summary>
    public static string ChunkName(int index) => $"chunk-{index.ToString("D6", CultureInfo.InvariantCulture)}";

    private static bool Hex(string text, int length) => text.Length == length && text.All(char.IsAsciiHexDigitLower);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex ConfiguredPattern();

    /// <summary>A configured name, then '.'-separated parts of letters, digits, '-' and '_' escapes (no empty
    /// part).</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}(\\.[A-Za-z0-9_-]+)+$")]
    private static partial Regex NestedPattern();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidPattern();

    [GeneratedRegex("^[0-9a-f]{32}(-[1-9][0-9]{0,4})?$")]
    private static partial Regex EtagPattern();

    [GeneratedRegex("^[A-Za-z0-9+/]{5}[AQgw]==$")]
    private static partial Regex Crc32Pattern();

    [GeneratedRegex("^sha256:[0-9a-f]{16}$")]
    private static partial Regex FingerprintPattern();
}
