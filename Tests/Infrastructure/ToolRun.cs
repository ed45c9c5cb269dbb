using System.Diagnostics;
using System.Text;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// One of our programs run as a real process (fcntl locks, exit codes, kill -9 only mean something across processes),
/// with its output collected as it comes.
/// </summary>
internal sealed class ToolRun : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly Process _process;

    private ToolRun(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            Append(e.Data);
            lock (_stdout)
            {
                if (e.Data is not null)
                {
                    _stdout.AppendLine(e.Data);
                }
            }
        };
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the program printed on stdout alone (logs go to stderr).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public static ToolRun Start(string tool, params string[] arguments) =>
        Start(tool, new Dictionary<string, string>(), arguments);

    /// <summary>Starts a program with extra environment variables (e.g. those systemd sets).</summary>
    public static ToolRun Start(
        string tool,
        IReadOnlyDictionary<string, string> environment,
        params string[] arguments
    ) => Start([], tool, environment, arguments);

    /// <summary>
    /// Runs a program as a systemd unit with User= and Group= starts it: that user's uid, gid and groups, no
    /// capabilities (setpriv, as root). The environment is ours with <paramref name="environment"/> over it.
    /// </summary>
    public static (int Code, string Output) RunAs(
        string user,
        IReadOnlyDictionary<string, string> environment,
        string tool,
        params string[] arguments
    )
    {
        using ToolRun run = Start(
            ["setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--inh-caps=-all", "--"],
            tool,
            environment,
            arguments
        );
        int code = run.WaitForExit(TimeSpan.FromMinutes(3));
        return (code, run.Output);
    }

    private static ToolRun Start(
        string[] prefix,
        string tool,
        IReadOnlyDictionary<string, string> environment,
        string[] arguments
    )
    {
        var info = new ProcessStartInfo(prefix.Length > 0 ? prefix[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string word in prefix.Skip(1).Append(prefix.Length > 0 ? "dotnet" : null).OfType<string>())
        {
            info.ArgumentList.Add(word);
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, tool + ".dll"));
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("JOURNAL_STREAM");
        info.Environment.Remove("INVOCATION_ID");
        foreach ((string name, string value) in environment)
        {
            // An empty value takes the variable away, as a unit's environment lacks what a shell has.
            if (value.Length == 0)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return new ToolRun(Process.Start(info)!);
    }

    /// <summary>Runs a program to its end and returns its exit code and output.</summary>
    public static (int Code, string Output) Run(string tool, params string[] arguments)
    {
        using ToolRun run = Start(tool, arguments);
        int code = run.WaitForExit(TimeSpan.FromMinutes(3));
        return (code, run.Output);
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the program did not end within {timeout}; its output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until the output holds the text (the program is then known to be at that point).</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                // A program can end between two looks, its last lines still on the way: WaitForExit() waits for them.
                _process.WaitForExit();
                if (Output.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
            }

            if (_process.HasExited || clock.Elapsed > timeout)
            {
                throw new TimeoutException($"\"{text}\" did not appear; output:\n{Output}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>SIGTERM, as systemd stops a service.</summary>
    public void Terminate() => Mono.Unix.Native.Syscall.kill(_process.Id, Mono.Unix.Native.Signum.SIGTERM);

    /// <summary>kill -9: no handler runs, nothing is flushed or cleaned up.</summary>
    public void KillHard()
    {
        Mono.Unix.Native.Syscall.kill(_process.Id, Mono.Unix.Native.Signum.SIGKILL);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
