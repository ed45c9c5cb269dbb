namespace BtrfsToS3.Shared.Failures;

/// <summary>
/// An expected failure: its message is the one line the operator reads, so it says what and where.
/// Anything else that escapes is a bug and maps to exit code 70.
/// </summary>
internal sealed class BackupFailure : Exception
{
    public BackupFailure(FailureKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public FailureKind Kind { get; }
}
