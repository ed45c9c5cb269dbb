namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// What to restore: the chains of the named subvolumes (of a generation, up to a snapshot) and, unless NoNested, of the
/// subvolumes nested in them, into a target, or only dumped; RequestOnly asks S3 to thaw archived chunks and reports,
/// Wait waits for the thaw instead of exiting 75.
/// </summary>
internal sealed record RestoreRequest(
    IReadOnlyList<string> Subvolumes,
    string? Target,
    string? Generation,
    string? Until,
    bool NoNested,
    bool DumpOnly,
    bool RequestOnly,
    bool Wait);
