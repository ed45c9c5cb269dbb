using System.Globalization;
using System.Text;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Format;

/// <summary>
/// The fields of one file or object read back (from S3 or the spool), checked against the grammar docs/FORMAT.md gives
/// them before anything is named, deleted, written or received because of them: whatever wrote them may have been an
/// intruder with the host's S3 keys, a person, or a disk. The first field that breaks its rule is bad data (exit 65),
/// in one line naming the object, the field and its value, escaped so that a hostile value cannot forge log lines.
/// </summary>
/// <param name="where">The file's path or the object's s3:// address (and version).</param>
/// <param name="prefix">[s3] prefix, where the reader knows it: keys are then checked whole, else from their subvolume
/// on.</param>
internal sealed class FieldCheck(string where, string? prefix = null)
{
    /// <summary>How much of a value the line shows: enough to recognise it, never a megabyte in the journal.</summary>
    private const int ShownLength = 120;

    public string Where => where;

    /// <summary>
    /// The key must be exactly <paramref name="expected"/> (computed from the object's own fields, without the prefix)
    /// under the prefix: the reader's, or where it does not know it, one of the form a prefix takes.
    /// </summary>
    public void Key(string? key, string field, string expected)
    {
        string? under =
            key is not null && key.EndsWith(expected, StringComparison.Ordinal) ? key[..^expected.Length] : null;
        That(
            under is not null && (prefix is null ? FormatGrammar.Prefix(under) : under == prefix),
            field,
            key,
            $"is not {prefix ?? "<prefix>"}{expected}, the key its own fields name"
        );
    }

    /// <summary>Throws the violation unless <paramref name="holds"/>.</summary>
    public void That(bool holds, string field, object? value, string rule)
    {
        if (!holds)
        {
            throw Violation(field, value, rule);
        }
    }

    /// <summary>The field's text must match the grammar; <paramref name="rule"/> says what it must be.</summary>
    public string Text(string? value, string field, Func<string, bool> grammar, string rule)
    {
        That(value is not null && grammar(value), field, value, rule);
        return value!;
    }

    /// <summary>
    /// A subvolume's name and its place: a configured name where <paramref name="nested"/> is null, else the name the
    /// configured subvolume and the relative path of the place make (<see cref="NestedName"/>).
    /// </summary>
    public void Subvolume(string subvolume, NestedPlace? nested)
    {
        Text(subvolume, "subvolume", FormatGrammar.SubvolumeName, "is not a subvolume name");
        if (nested is null)
        {
            That(
                FormatGrammar.ConfiguredName(subvolume),
                "subvolume",
                subvolume,
                "is a nested subvolume's name, but nested is null"
            );
            return;
        }

        Text(nested.In, "nested.in", FormatGrammar.ConfiguredName, "is not a configured subvolume's name");
        Text(
            nested.Path,
            "nested.path",
            FormatGrammar.RelativePath,
            "is not a relative path without '.', '..' or empty parts"
        );
        That(
            NestedName.TryFor(nested.In, nested.Path) == subvolume,
            "subvolume",
            subvolume,
            $"is not the name of the subvolume nested in {nested.In} at nested.path"
        );
    }

    /// <summary>A source (a stream's, or a pointer's owner): a filesystem UUID and a subvolume UUID.</summary>
    public void Source(SourceRef? source, string field) =>
        That(
            source is not null && FormatGrammar.Uuid(source.FilesystemUuid) && FormatGrammar.Uuid(source.SubvolumeUuid),
            field,
            source?.ToString(),
            "must hold two UUIDs"
        );

    /// <summary>A list field must be present and hold no null element (JSON <c>[null]</c> reads as one).</summary>
    public IReadOnlyList<T> List<T>(IReadOnlyList<T>? values, string field, int max)
        where T : class?
    {
        That(values is not null, field, null, "must be a list");
        That(
            values!.Count <= max,
            field,
            $"{values.Count} elements",
            $"must hold at most {max.ToString(CultureInfo.InvariantCulture)}"
        );
        for (int i = 0; i < values.Count; i++)
        {
            That(
                values[i] is not null,
                $"{field}[{i.ToString(CultureInfo.InvariantCulture)}]",
                null,
                "must not be null"
            );
        }

        return values;
    }

    public BackupFailure Violation(string field, object? value, string rule) =>
        new(FailureKind.BadData, $"{where}: {field} {Show(value)} {rule}; it is not trusted");

    /// <summary>The value as the line shows it: quoted, control and non-ASCII characters escaped, long ones
    /// cut.</summary>
    public static string Show(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case string text:
                var shown = new StringBuilder("\"");
                foreach (char c in text.Length > ShownLength ? text[..ShownLength] : text)
                {
                    _ = c switch
                    {
                        '"' => shown.Append("\\\""),
                        '\\' => shown.Append("\\\\"),
                        >= ' ' and <= '~' => shown.Append(c),
                        _ => shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                    };
                }

                shown.Append('"');
                return text.Length > ShownLength
                    ? shown.Append(CultureInfo.InvariantCulture, $"… ({text.Length} characters)").ToString()
                    : shown.ToString();
            case IFormattable number:
                return number.ToString(null, CultureInfo.InvariantCulture);
            default:
                return Show(value.ToString());
        }
    }
}
