using System.Diagnostics;
using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Shared.IO;

/// <summary>
/// Starts helper commands (btrfs) with a fixed C locale so that their output parses the same everywhere, and without
/// the AWS_* variables (<see cref="ChildEnvironment"/>).
/// </summary>
internal static class ProcessRunner
{
    private static ProcessStartInfo StartInfo(IReadOnlyList<string> command)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (string argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LC_ALL"] = "C";
        ChildEnvironment.RemoveAws(info);
        return info;
    }

    public static Process Start(IReadOnlyList<string> command) => Start(StartInfo(command), command[0]);

    /// <summary>Starts a command that reads what the caller writes to its standard input (btrfs receive).</summary>
    public static Process StartWithInput(IReadOnlyList<string> command)
    {
        ProcessStartInfo info = StartInfo(command);
        info.RedirectStandardInput = true;
        return Start(info, command[0]);
    }

    private static Process Start(ProcessStartInfo info, string program)
    {
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new BackupFailure(FailureKind.Unavailable, $"cannot run {program}: {e.Message}");
        }
    }

    /// <summary>Runs a short command to its end; a cancelled run kills it.</summary>
    public static async Task<ProcessResult> RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        using Process process = Start(command);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
