using System.Text;
using System.Text.RegularExpressions;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// <c>find</c>'s pattern: <c>*</c> and <c>?</c> match within one name, <c>**</c> across directories. A pattern without
/// '/' is matched against each path's last name (as <c>find -name</c>), one with '/' against the whole path from the
/// subvolume's top (a leading '/' is dropped).
/// </summary>
internal sealed class PathGlob
{
    private readonly Regex _regex;
    private readonly bool _namesOnly;

    public PathGlob(string pattern)
    {
        string trimmed = pattern.TrimStart('/');
        _namesOnly = !trimmed.Contains('/', StringComparison.Ordinal);
        var regex = new StringBuilder("^");
        for (int i = 0; i < trimmed.Length; i++)
        {
            char c = trimmed[i];
            if (c == '*' && i + 1 < trimmed.Length && trimmed[i + 1] == '*')
            {
                regex.Append(".*");
                i++;
            }
            else
            {
                regex.Append(
                    c switch
                    {
                        '*' => "[^/]*",
                        '?' => "[^/]",
                        _ => Regex.Escape(c.ToString()),
                    }
                );
            }
        }

        _regex = new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    public bool Matches(string path) => _regex.IsMatch(_namesOnly ? path[(path.LastIndexOf('/') + 1)..] : path);
}
