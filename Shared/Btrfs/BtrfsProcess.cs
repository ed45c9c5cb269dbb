using System.Diagnostics;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Shared.Btrfs;

/// <summary>
/// A long-running btrfs command whose stream the caller reads (<c>btrfs send</c>: <see cref="Output"/>) or writes
/// (<c>btrfs receive</c>: <see cref="Input"/>), started only by <see cref="BtrfsTool"/>: its standard error goes line
/// by line to the caller's log, its standard output (where the caller does not read it) is counted in lines, and
/// disposing of it before it ended kills it with its children, so that no btrfs outlives a failed or cancelled run.
/// </summary>
internal sealed class BtrfsProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _errors;
    private readonly Task<long> _lines;

    private BtrfsProcess(Process process, IReadOnlyList<string> command, bool countOutput, Action<string> onError)
    {
        _process = process;
        CommandLine = string.Join(' ', command);
        _errors = PumpAsync(process.StandardError, onError);
        _lines = countOutput ? CountAsync(process.StandardOutput) : Task.FromResult(0L);
    }

    /// <summary>The command as it ran, for the line that reports it.</summary>
    public string CommandLine { get; }

    /// <summary>What the command writes (btrfs send's stream).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>What the command reads (btrfs receive's stream).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Whether the command has ended (a receive that stopped reading).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a command whose standard output the caller reads.</summary>
    public static BtrfsProcess Reading(IReadOnlyList<string> command, Action<string> onError) =>
        new(ProcessRunner.Start(command), command, countOutput: false, onError);

    /// <summary>Starts a command that reads what the caller writes; its own output is counted in lines.</summary>
    public static BtrfsProcess Writing(IReadOnlyList<string> command, Action<string> onError) =>
        new(ProcessRunner.StartWithInput(command), command, countOutput: true, onError);

    /// <summary>Waits up to <paramref name="timeout"/> for the command to end by itself; true when it did.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>
    /// Closes the command's standard input (where the caller writes it), waits for it to end and for its standard error
    /// to be logged, and returns its exit code and the lines it wrote to standard output.
    /// </summary>
    public async Task<(int ExitCode, long Lines)> FinishAsync(CancellationToken cancellationToken)
    {
        if (_process.StartInfo.RedirectStandardInput)
        {
            try
            {
                Input.Close();
            }
            catch (IOException)
            {
                // The pipe is broken because the command already ended: its exit code says why.
            }
        }

        await _process.WaitForExitAsync(cancellationToken);
        await _errors;
        return (_process.ExitCode, await _lines);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            // Cleanup has no token of its own to wait on: a killed process ends at once.
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        await _errors.ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }

    private static async Task PumpAsync(StreamReader errors, Action<string> onError)
    {
        while (await errors.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                onError(line);
            }
        }
    }

    private static async Task<long> CountAsync(StreamReader output)
    {
        long lines = 0;
        while (await output.ReadLineAsync() is not null)
        {
            lines++;
        }

        return lines;
    }
}
