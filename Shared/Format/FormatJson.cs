using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Shared.Format;

/// <summary>
/// Source-generated JSON for every file and object the tools write: snake_case names, indented so that <c>cat</c> reads
/// them, and strict on reading, because a field we do not know means a newer format we must not guess at.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow
)]
[JsonSerializable(typeof(StreamHeader))]
[JsonSerializable(typeof(ChunkRecord))]
[JsonSerializable(typeof(Seal))]
[JsonSerializable(typeof(PublishedSnapshot))]
[JsonSerializable(typeof(UploadedRecord))]
[JsonSerializable(typeof(UploadRecord))]
[JsonSerializable(typeof(HeldRecord))]
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(Pointer))]
internal sealed partial class FormatJson : JsonSerializerContext
{
    /// <summary>The format version this build writes and the only one it reads (docs/FORMAT.md).</summary>
    public const int Version = 2;

    /// <summary>
    /// The largest pointer a reader takes, refused by its length before its body is read: a pointer of 10,000
    /// generations of a weekly chain's manifests is a few MiB.
    /// </summary>
    public const long MaxPointerBytes = 16 * 1024 * 1024;

    /// <summary>The largest manifest a reader takes, likewise: 200,000 chunks
    /// (<see cref="SentStreamFacts{TChunk}.MaxChunks"/>) at about 300 bytes each.</summary>
    public const long MaxManifestBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Reads a file or object that must be whole, of the format version this build knows, and whose fields all hold to
    /// their grammar (<see cref="IFormatVersioned.Validate"/>); anything else is bad data, named by
    /// <paramref name="where"/> (a path, or an s3:// address).
    /// </summary>
    /// <param name="prefix">[s3] prefix, where the reader knows it: keys in the body are checked whole under
    /// it.</param>
    public static T Parse<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type, string where, string? prefix = null)
        where T : IFormatVersioned
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException e)
        {
            throw new BackupFailure(FailureKind.BadData, $"{where}: not a valid {typeof(T).Name}: {e.Message}");
        }

        if (value is null)
        {
            throw new BackupFailure(FailureKind.BadData, $"{where}: empty {typeof(T).Name}");
        }

        if (value.FormatVersion != Version)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"{where}: format version {value.FormatVersion}, but this build reads version {Version}"
            );
        }

        value.Validate(new FieldCheck(where, prefix));
        return value;
    }
}
