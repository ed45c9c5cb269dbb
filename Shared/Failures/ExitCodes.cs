namespace BtrfsToS3.Shared.Failures;

/// <summary>
/// The one place that turns an outcome into a process exit code (sysexits.h values), as documented in README.md.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>
    /// <c>status --max-age</c> found a subvolume not published within that time: not a failure of the command, and no
    /// sysexits.h meaning fits, so the plain "check failed" that cron and monitoring agents take as a warning.
    /// </summary>
    public const int Stale = 1;
    public const int Usage = 64;
    public const int DataError = 65;
    public const int Unavailable = 69;
    public const int Software = 70;
    public const int CannotCreate = 73;
    public const int TryAgainLater = 75;
    public const int Config = 78;

    // Linux errno values as .NET reports them in IOException.HResult for a full disk or quota.
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    public static int For(FailureKind kind) =>
        kind switch
        {
            FailureKind.Usage => Usage,
            FailureKind.BadData => DataError,
            FailureKind.Unavailable => Unavailable,
            FailureKind.CannotCreate => CannotCreate,
            FailureKind.TryAgainLater => TryAgainLater,
            FailureKind.Config => Config,
            _ => Software,
        };

    public static int For(Exception exception) =>
        exception switch
        {
            BackupFailure failure => For(failure.Kind),
            OperationCanceledException => TryAgainLater,
            IOException io when IsDiskFull(io) => CannotCreate,
            UnauthorizedAccessException => CannotCreate,
            _ => Software,
        };

    /// <summary>A code's meaning in a few words, as README's table names it, for a notification read without the
    /// table.</summary>
    public static string Meaning(int code) =>
        code switch
        {
            Ok => "done",
            Stale => "stale",
            Usage => "usage",
            DataError => "bad data",
            Unavailable => "unavailable",
            Software => "internal error",
            CannotCreate => "cannot create",
            TryAgainLater => "try again later",
            Config => "configuration",
            _ => "unknown",
        };

    /// <summary>The worst of several outcomes: any failure beats success, and a bug beats everything.</summary>
    public static int Worst(int a, int b)
    {
        if (a == Ok)
        {
            return b;
        }

        if (b == Ok || a == Software)
        {
            return a;
        }

        return b == Software ? b : Math.Max(a, b);
    }

    public static bool IsDiskFull(IOException exception)
    {
        int errno = exception.HResult;
        return errno == ENOSPC
            || errno == EDQUOT
            || (errno & 0xFFFF)
                == 112 /* ERROR_DISK_FULL */
        ;
    }
}
