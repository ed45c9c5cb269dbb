namespace BtrfsToS3.Shared.Failures;

/// <summary>What went wrong, in the terms an operator acts on; <see cref="ExitCodes"/> maps each to its exit
/// code.</summary>
internal enum FailureKind
{
    /// <summary>The command line is wrong.</summary>
    Usage,

    /// <summary>Data on disk or in S3 is not what it must be (a corrupt chunk, an unreadable seal).</summary>
    BadData,

    /// <summary>Something we depend on failed or is missing (btrfs, S3).</summary>
    Unavailable,

    /// <summary>A file or directory could not be created or written (a full disk, no permission).</summary>
    CannotCreate,

    /// <summary>Nothing is wrong, but the work cannot be done now (another run holds the lock, a stop was
    /// requested).</summary>
    TryAgainLater,

    /// <summary>The configuration is wrong.</summary>
    Config,
}
