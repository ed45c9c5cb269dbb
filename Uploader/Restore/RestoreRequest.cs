namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// What to restore: the chains of the named subvolumes (of a generation, up to a snapshot) and, unless NoNested, of the
/// subvolumes nested in them, into a target, or only dumped; RequestOnly asks S3 to thaw archived chunks and reports,
/// Wait waits for the thaw instead of exiting 75. AsOf and PointerVersion start from an older pointer version than the
/// current one (a versioned bucket): the newest written at or before AsOf that names only whole (and, under Object
/// Lock, locked) streams, or the version named. Identity is the age identity file encrypted streams need; LastOnly,
/// with DumpOnly, reads the chain's newest stream alone (btrfs receive --dump needs no parent).
/// </summary>
internal sealed record RestoreRequest(
    IReadOnlyList<string> Subvolumes,
    string? Target,
    string? Generation,
    string? Until,
    bool NoNested,
    bool DumpOnly,
    bool RequestOnly,
    bool Wait,
    DateTimeOffset? AsOf = null,
    string? PointerVersion = null,
    string? Identity = null,
    bool LastOnly = false,
    bool AllowUnencrypted = false
);
