using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.IO;

/// <summary>
/// A path made of a directory of ours (a restore target, the spool, the snapshot directory) and a name or relative path
/// read back from S3 or the spool, proven to lie under that directory before anything is made or deleted there: the
/// relative part has no '.', '..' or empty parts (<see cref="FormatGrammar.RelativePath"/>), and no part of it that
/// exists is a symbolic link, so that neither a forged name nor a link in a received tree leads out of the directory.
/// </summary>
internal static class ContainedPath
{
    /// <param name="root">The directory the path must stay under.</param>
    /// <param name="relative">A name, or a '/'-separated relative path.</param>
    /// <param name="what">What the path is for, for the line that refuses it.</param>
    public static string Join(string root, string relative, string what)
    {
        string top = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!FormatGrammar.RelativePath(relative))
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"{what}: {FieldCheck.Show(relative)} is not a relative path without '.', '..' or empty parts, so it is not joined to {top}"
            );
        }

        string path = top;
        foreach (string part in relative.Split('/'))
        {
            path = $"{path}/{part}";
            var entry = new FileInfo(path);
            if (entry.LinkTarget is not null)
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"{what}: {FieldCheck.Show(path)} is a symbolic link, so nothing is made or deleted through it"
                );
            }

            if (!entry.Exists && !Directory.Exists(path))
            {
                break;
            }
        }

        return $"{top}/{relative}";
    }
}
