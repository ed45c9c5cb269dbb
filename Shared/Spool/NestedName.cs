using System.Globalization;
using System.Text;
using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// The name of a nested subvolume: the configured subvolume's name, a '.', and its path below it with each '/' as '.',
/// letters, digits and '-' as they are, and every other byte of the path's UTF-8 as '_' and two lower-case hex digits
/// (docs/FORMAT.md, "Nested subvolumes"). <c>var/lib/pve/local-btrfs/images/100/vm-100-disk-0</c> in <c>root</c> is
/// <c>root.var.lib.pve.local-btrfs.images.100.vm-100-disk-0</c>; <c>vm-100-disk-0@snap</c> would be
/// <c>vm-100-disk-0_40snap</c>.
/// </summary>
/// <remarks>
/// The mapping is a function of the two (stable across runs), can be undone (so no two paths share a name), and uses
/// only letters, digits, '-', '_' and '.', which S3 lists among the characters safe in a key and no filesystem refuses.
/// A configured name has no '.', so no nested name is ever a configured one; the snapshot time after the last '.' is
/// still found, since the time has a fixed form.
/// </remarks>
internal static class NestedName
{
    /// <summary>
    /// The longest name: a snapshot's name adds 17 characters (".20261125T020000Z") and must stay within the 255 bytes
    /// of a file name; an S3 key holds the name twice and stays well within S3's 1,024.
    /// </summary>
    public const int MaxLength = 238;

    public static string For(string parent, string path) =>
        TryFor(parent, path)
        ?? throw new BackupFailure(
            FailureKind.Config,
            $"nested subvolume {path} in {parent}: its name would be more than the {MaxLength} characters a snapshot's file name allows; exclude it ([subvolumes] nested = exclude) or move it higher up"
        );

    /// <summary>The name, or null when it would be longer than <see cref="MaxLength"/>.</summary>
    public static string? TryFor(string parent, string path)
    {
        var name = new StringBuilder(parent).Append('.');
        foreach (byte b in Encoding.UTF8.GetBytes(path))
        {
            char c = (char)b;
            if (c == '/')
            {
                name.Append('.');
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == '-')
            {
                name.Append(c);
            }
            else
            {
                name.Append('_').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return name.Length <= MaxLength ? name.ToString() : null;
    }
}
