using System.Runtime.InteropServices;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Logging;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// What both programs' Main does around their work: answer --help and --version, parse the command line, set up
/// logging, set the umask of the spool and state's sharing rule (<see cref="GroupShared"/>), turn SIGTERM and SIGINT
/// into cancellation, map the outcome to the exit code, and flush the log before the process ends. Alone on the line,
/// --man-page and --bash-completion print the man page and the completion script the package installs
/// (scripts/package.sh): build steps, not options, so neither --help nor the completion offers them.
/// </summary>
internal static class ToolMain
{
    public static int Run(
        ToolDeclaration declaration,
        string version,
        IReadOnlyList<string> args,
        Func<CommandLine, ILoggerFactory, FailureRecorder, CancellationToken, Task<int>> body
    )
    {
        string tool = declaration.Name;
        switch (args)
        {
            case ["--man-page"]:
                Console.Out.Write(ManPage.Render(declaration, BuildInfo.Version));
                return ExitCodes.Ok;
            case ["--bash-completion"]:
                Console.Out.Write(BashCompletion.Render(declaration));
                return ExitCodes.Ok;
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            // The first command named gets its own help; whatever else the line holds is not looked at, as before.
            string[] command = [.. args.Where(a => declaration.CommandNamed(a) is not null).Take(1)];
            declaration.Root.Parse([.. command, "--help"]).Invoke();
            return ExitCodes.Ok;
        }

        if (args.Contains("--version"))
        {
            Console.Out.WriteLine(version);
            return ExitCodes.Ok;
        }

        GroupShared.ApplyUmask();
        bool verbose = args.Contains("--verbose");
        using var failures = new FailureRecorder();
        using ILoggerFactory loggers = LoggingSetup.Create(verbose, failures);
        ILogger logger = loggers.CreateLogger(tool);
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            Log.StopRequested(logger, context.Signal.ToString());
            stop.Cancel();
        }

        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        int code;
        try
        {
            CommandLine commandLine = new CommandLineParser(declaration).Parse(args);
            code = body(commandLine, loggers, failures, stop.Token).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            code = Report(logger, e);
        }

        using var self = System.Diagnostics.Process.GetCurrentProcess();
        Log.Finished(logger, tool, code, self.TotalProcessorTime.TotalSeconds, PeakRssMiB());
        return code;
    }

    /// <summary>The process's peak resident set (VmHWM), which the benchmarks read from the last log line.</summary>
    private static long PeakRssMiB()
    {
        string? line = File.ReadLines("/proc/self/status")
            .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return
            line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out long kib)
            ? kib / 1024
            : 0;
    }

    /// <summary>Logs the one line for a failure and returns its exit code.</summary>
    public static int Report(ILogger logger, Exception e)
    {
        int code = ExitCodes.For(e);
        if (code == ExitCodes.Software)
        {
            Log.Crashed(logger, e, e.Message, code);
        }
        else
        {
            Log.Failed(logger, e is OperationCanceledException ? "stopped before the work was done" : e.Message, code);
        }

        return code;
    }
}
