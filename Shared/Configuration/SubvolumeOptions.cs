using System.Text.RegularExpressions;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// A subvolume to back up: a configured one (its name, used in snapshot, stream and S3 key names, and its mount path),
/// or one found nested inside a configured one, named after it and its place (<see cref="NestedPlace"/>).
/// </summary>
/// <param name="Name">The key in [subvolumes]: letters, digits, '_' and '-', starting with a letter or digit, at most
/// 64 characters. No default.</param>
/// <param name="Path">The value: the absolute mount path of a btrfs subvolume. No default.</param>
/// <param name="Nested">Null for a configured subvolume; for a nested one, which configured one it lies in, and
/// where.</param>
internal sealed partial record SubvolumeOptions(string Name, string Path, NestedPlace? Nested = null)
{
    /// <summary>The key of [subvolumes] that is a setting, not a subvolume.</summary>
    public const string NestedKey = "nested";

    /// <summary>[subvolumes] nested: include (the default), exclude or fail.</summary>
    public static NestedMode ReadNested(ConfigSection section) =>
        section.Choice(NestedKey, "include", "exclude", "fail") switch
        {
            "exclude" => NestedMode.Exclude,
            "fail" => NestedMode.Fail,
            _ => NestedMode.Include,
        };

    /// <summary>Every entry of the free section [subvolumes]; it must name at least one, or there is nothing to back
    /// up.</summary>
    public static IReadOnlyList<SubvolumeOptions> ReadAll(ConfigSection section)
    {
        var subvolumes = new List<SubvolumeOptions>();
        foreach (
            (string name, string? path) in section
                .Entries()
                .Where(e => !e.Key.Equals(NestedKey, StringComparison.OrdinalIgnoreCase))
        )
        {
            // The name goes into file names and S3 keys, so it is refused rather than escaped.
            if (!FormatGrammar.ConfiguredName(name))
            {
                throw section.Error(
                    name,
                    "a subvolume name takes letters, digits, '_' and '-' only, starts with a letter or digit and has at most 64 characters (it names snapshots, streams and S3 keys)"
                );
            }

            subvolumes.Add(new SubvolumeOptions(name, section.AbsolutePath(name, path)));
        }

        if (subvolumes.Count == 0)
        {
            throw section.Error("names no subvolume (add lines such as: data = /srv/data/data)");
        }

        return subvolumes;
    }
}
