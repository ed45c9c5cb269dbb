using BtrfsToS3.Uploader.Notify;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader notify --unit NAME</c>, run by btrfs-to-s3-notify@.service when systemd finds one of the
/// services failed (OnFailure=): it tells [notify] what the service could not tell itself, because the spooler has no
/// network (PrivateNetwork=yes) and because a kill, a timeout or a configuration it could not read leave no run to
/// report. It reads [notify] alone, so that a mistake elsewhere in the file is still reported. It never fails.
/// </summary>
internal static class NotifyCommand
{
    public static async Task<int> RunAsync(
        NotifyOptions options,
        string unit,
        Func<string, string?> environment,
        ILogger logger
    )
    {
        // systemd tells an OnFailure= unit how the failed one ended (systemd.exec(5), "Environment Variables Set or
        // Propagated by the Service Manager"); older systemd tells nothing, and then the unit's name must do.
        string? result = environment("MONITOR_SERVICE_RESULT");
        string? status = environment("MONITOR_EXIT_STATUS");
        if (AlreadyReported(unit, result, status))
        {
            Log.NotifyAlreadyReported(logger, unit, status!);
            return ExitCodes.Ok;
        }

        using var notifier = new Notifier(options, logger);
        await notifier.EndedAsync(success: false, RunReport.UnitFailed(unit, Environment.MachineName, result, status));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// True when the uploader's run told [notify] itself: it exited with a code after its configuration was read. A
    /// usage or configuration failure (64, 78) may have come before, so that one is told, at worst twice.
    /// </summary>
    public static bool AlreadyReported(string unit, string? result, string? exitStatus) =>
        unit.StartsWith("btrfs-to-s3-uploader", StringComparison.Ordinal)
        && result == "exit-code"
        && exitStatus is not null and not "64" and not "78";
}
